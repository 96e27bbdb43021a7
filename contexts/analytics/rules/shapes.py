"""What the fold reads and keeps: each event type's business moment, the metrics a day keeps, the
states the fold carries, and the pure helpers on payloads, zones and money."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Events that name no coach (platform e-mails, webhooks, admins) are kept under this partition.
NO_COACH = UUID(int=0)
DEFAULT_TIME_ZONE = "UTC"
COACH, PLATFORM = "coach", "platform"

# Where each type keeps its business moment: the day an event counts in is this moment's day.
MOMENT_FIELDS: dict[str, str] = {
    "auth.user.created": "createdAt",
    "auth.user.updated": "updatedAt",
    "billing.payment.completed": "paidAt",
    "billing.payment.failed": "failedAt",
    "billing.payment.refunded": "refundedAt",
    "billing.invoice.issued": "issuedAt",
    "billing.subscription.activated": "activatedAt",
    "billing.subscription.updated": "changedAt",
    "billing.subscription.canceled": "canceledAt",
    "billing.payment_link.created": "createdAt",
    "courses.course.created": "createdAt",
    "courses.enrollment.created": "enrolledAt",
    "courses.enrollment.completed": "completedAt",
    "courses.progress.updated": "updatedAt",
    "comms.email.sent": "sentAt",
    "comms.email.delivered": "deliveredAt",
    "comms.email.opened": "openedAt",
    "comms.email.clicked": "clickedAt",
    "comms.email.failed": "failedAt",
    "comms.email.complained": "complainedAt",
    "comms.sequence.started": "startedAt",
    "leads.lead.created": "createdAt",
    "leads.status.changed": "changedAt",
    "leads.converted": "convertedAt",
    "leads.lead.tagged": "taggedAt",
    "leads.client.erased": "erasedAt",
    "media.asset.created": "createdAt",
    "media.asset.ready": "readyAt",
    "media.asset.failed": "failedAt",
    "media.asset.deleted": "deletedAt",
    "integrations.webhook.received": "receivedAt",
    "integrations.webhook.failed": "failedAt",
    "integrations.webhook.processed": "processedAt",
    "notify.user": "createdAt",
    "notify.admins": "createdAt",
}
# Never logged: bearer links (a learner's access link, a player URL with its privacy hash).
SECRET_FIELDS = frozenset({"accessUrl", "playbackUrl"})
# What an erasure removes from the logged payloads of that client.
PERSONAL_FIELDS = frozenset({"clientEmail", "clientName", "email", "firstName", "lastName", "phone", "recipientEmail"})
# Subscription states whose amount counts in MRR.
MRR_STATUSES = frozenset({"active", "past_due"})

# Every metric a day keeps; those ending in Amount are money in minor units, by currency.
COACH_METRICS = (
    "revenueGrossAmount",
    "refundsAmount",
    "payments",
    "courseSales",
    "courseSalesAmount",
    "paymentsFailed",
    "newLeads",
    "bookings",
    "conversions",
    "enrollments",
    "completions",
    "emailsSent",
    "emailsDelivered",
    "emailsOpened",
    "emailsClicked",
    "emailsBounced",
    "emailsComplained",
    "coursesCreated",
    "paymentLinksCreated",
    "sequencesStarted",
    "assetsReady",
    "assetsFailed",
)
PLATFORM_METRICS = (
    "coachesNew",
    "coachesChurned",
    "mrrNewAmount",
    "mrrExpansionAmount",
    "mrrContractionAmount",
    "mrrChurnAmount",
    "gmvAmount",
    "courseSales",
    "webhooksReceived",
    "webhooksProcessed",
    "webhooksFailed",
    "webhooksDeadLettered",
    "eventsDeadLettered",
)
EMAIL_METRICS = {
    "comms.email.sent": "emailsSent",
    "comms.email.delivered": "emailsDelivered",
    "comms.email.opened": "emailsOpened",
    "comms.email.clicked": "emailsClicked",
    "comms.email.complained": "emailsComplained",
}
WEBHOOK_METRICS = {
    "integrations.webhook.received": "webhooksReceived",
    "integrations.webhook.processed": "webhooksProcessed",
}
COUNTED_TYPES = {
    "courses.enrollment.created": "enrollments",
    "courses.enrollment.completed": "completions",
    "courses.course.created": "coursesCreated",
    "billing.payment_link.created": "paymentLinksCreated",
    "comms.sequence.started": "sequencesStarted",
    "media.asset.ready": "assetsReady",
    "media.asset.failed": "assetsFailed",
    "leads.converted": "conversions",
}

# (scope, coach partition, day, metric, dimension): one additive counter.
MetricKey = tuple[str, UUID, dt.date, str, str]
# ("learner", coach, client, local day) or ("coach", coach, coach, UTC day).
ActivityKey = tuple[str, UUID, UUID, dt.date]


@dataclass(frozen=True)
class LoggedEvent:
    """One row of the log as the fold reads it."""

    seq: int
    event_type: str
    version: int
    coach_id: UUID
    payload: Mapping[str, Any]


@dataclass
class SubscriptionState:
    subscription_id: UUID
    coach_id: UUID
    status: str
    monthly_amount: int
    currency: str
    changed_at: dt.datetime


@dataclass
class EnrollmentState:
    enrollment_id: UUID
    coach_id: UUID
    course_id: UUID
    client_id: UUID
    enrolled_at: dt.datetime | None = None
    progress_percent: int = 0
    completed_lessons: int = 0
    total_lessons: int = 0
    progress_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


@dataclass
class ClientFacts:
    """What a client's health score is computed from (no personal data)."""

    coach_id: UUID
    client_id: UUID
    last_active_at: dt.datetime | None = None
    emails_sent: int = 0
    emails_opened: int = 0
    emails_clicked: int = 0
    payment_state: str = ""
    payment_at: dt.datetime | None = None


@dataclass
class Named:
    """The states a chunk of events needs loaded before it is folded."""

    coaches: set[UUID] = field(default_factory=set)
    subscriptions: set[UUID] = field(default_factory=set)
    enrollments: set[UUID] = field(default_factory=set)
    clients: set[tuple[UUID, UUID]] = field(default_factory=set)


# -- payload helpers ------------------------------------------------------------------------------


def coach_of(event_type: str, payload: Mapping[str, Any]) -> UUID:
    """The coach partition of an event: its ``coachId``, or NO_COACH when it names none."""
    value = payload.get("coachId")
    return UUID(value) if value else NO_COACH


def client_of(payload: Mapping[str, Any]) -> UUID | None:
    value = payload.get("clientId")
    return UUID(value) if value else None


def payload_to_log(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as the log keeps it: without bearer links."""
    return {key: value for key, value in payload.items() if key not in SECRET_FIELDS}


def payload_erased(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload without the erased client's personal fields (what it counted stays)."""
    return {key: value for key, value in payload.items() if key not in PERSONAL_FIELDS}


def time_zone_valid(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_day(moment: dt.datetime, time_zone: str) -> dt.date:
    return moment.astimezone(_zone(time_zone)).date()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def monthly_amount(amount: int, interval: str) -> int:
    """A plan's price per month: the amount, or a yearly amount over twelve (rounded half up)."""
    return (amount * 2 + 12) // 24 if interval == "year" else amount


def mrr_movement(previous: int, current: int) -> tuple[str, int] | None:
    """How a subscription's counted monthly amount moving from ``previous`` to ``current`` counts:
    new, expansion, contraction or churn, with its size; None when nothing moved."""
    if previous == current:
        return None
    if previous == 0:
        return "mrrNewAmount", current
    if current == 0:
        return "mrrChurnAmount", previous
    if current > previous:
        return "mrrExpansionAmount", current - previous
    return "mrrContractionAmount", previous - current


def entities_named(events: Iterable[LoggedEvent]) -> Named:
    named = Named()
    for event in events:
        named.coaches.add(event.coach_id)
        payload = event.payload
        if event.event_type.startswith("billing.subscription."):
            named.subscriptions.add(UUID(payload["subscriptionId"]))
        if "enrollmentId" in payload:
            named.enrollments.add(UUID(payload["enrollmentId"]))
        client_id = client_of(payload)
        if client_id is not None and event.coach_id != NO_COACH:
            named.clients.add((event.coach_id, client_id))
    return named
