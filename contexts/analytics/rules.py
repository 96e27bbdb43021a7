"""The KPI arithmetic of analytics: one fold over logged events, used by the live path and by the
rebuild alike, so a rebuild gives the live numbers by construction. No database, no clock, no I/O.

``Fold`` takes the state it needs (each coach's time zone, subscriptions, enrollments, client facts)
and applies events in log order; what it produces is read off it: additive day metrics, activity
days, lesson completions, and the states it changed. The live path loads the states an events chunk
names and writes back what changed; the rebuild starts from nothing and writes everything.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nlc.time import parse_moment

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


# -- the fold -------------------------------------------------------------------------------------


class Fold:
    """Applies logged events, in log order, to the states it was given and to fresh counters."""

    def __init__(
        self,
        *,
        time_zones: Mapping[UUID, tuple[str, dt.datetime | None]] | None = None,
        subscriptions: Mapping[UUID, SubscriptionState] | None = None,
        enrollments: Mapping[UUID, EnrollmentState] | None = None,
        clients: Mapping[tuple[UUID, UUID], ClientFacts] | None = None,
        fixed_time_zones: bool = False,
    ):
        self.time_zones: dict[UUID, tuple[str, dt.datetime | None]] = dict(time_zones or {})
        self.subscriptions = dict(subscriptions or {})
        self.enrollments = dict(enrollments or {})
        self.clients = dict(clients or {})
        # A rebuild buckets with each coach's final zone, known before it starts.
        self.fixed_time_zones = fixed_time_zones
        self.metrics: Counter[MetricKey] = Counter()
        self.activity: set[ActivityKey] = set()
        self.lessons: dict[tuple[UUID, UUID], tuple[UUID, UUID, int]] = {}
        self.touched: set[tuple[str, UUID, dt.date]] = set()
        self.changed_subscriptions: set[UUID] = set()
        self.changed_enrollments: set[UUID] = set()
        self.changed_clients: set[tuple[UUID, UUID]] = set()
        self.time_zone_changed: set[UUID] = set()
        self.erased: set[tuple[UUID, UUID]] = set()

    # -- plumbing --
    def time_zone(self, coach_id: UUID) -> str:
        return self.time_zones.get(coach_id, (DEFAULT_TIME_ZONE, None))[0]

    def _count(self, scope: str, coach_id: UUID, day: dt.date, metric: str, value: int, dimension: str = "") -> None:
        if value:
            self.metrics[(scope, coach_id, day, metric, dimension)] += value
            self.touched.add((scope, coach_id if scope == COACH else NO_COACH, day))

    def _client(self, coach_id: UUID, client_id: UUID) -> ClientFacts:
        key = (coach_id, client_id)
        facts = self.clients.get(key)
        if facts is None:
            facts = self.clients[key] = ClientFacts(coach_id=coach_id, client_id=client_id)
        self.changed_clients.add(key)
        return facts

    def _enrollment(self, coach_id: UUID, payload: Mapping[str, Any]) -> EnrollmentState:
        enrollment_id = UUID(payload["enrollmentId"])
        state = self.enrollments.get(enrollment_id)
        if state is None:
            state = self.enrollments[enrollment_id] = EnrollmentState(
                enrollment_id=enrollment_id,
                coach_id=coach_id,
                course_id=UUID(payload["courseId"]),
                client_id=UUID(payload["clientId"]),
            )
        self.changed_enrollments.add(enrollment_id)
        return state

    # -- the events --
    def apply(self, event: LoggedEvent) -> None:
        payload = event.payload
        moment = parse_moment(payload[MOMENT_FIELDS[event.event_type]])
        coach_id = event.coach_id
        day = local_day(moment, self.time_zone(coach_id))
        utc_day = moment.astimezone(dt.UTC).date()
        if coach_id != NO_COACH:
            self.activity.add(("coach", coach_id, coach_id, utc_day))
        handler = getattr(self, "_" + event.event_type.replace(".", "_"), None)
        if handler is not None:
            handler(coach_id, payload, moment, day, utc_day)
        counted = COUNTED_TYPES.get(event.event_type)
        if counted and coach_id != NO_COACH:
            self._count(COACH, coach_id, day, counted, 1)

    def _auth_user_created(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["role"] == "coach":
            self._count(PLATFORM, coach_id, utc_day, "coachesNew", 1)

    def _auth_user_updated(self, coach_id, payload, moment, day, utc_day) -> None:
        if coach_id == NO_COACH or self.fixed_time_zones:
            return
        name = payload["timeZone"] if time_zone_valid(payload["timeZone"]) else DEFAULT_TIME_ZONE
        current, since = self.time_zones.get(coach_id, (DEFAULT_TIME_ZONE, None))
        if since is not None and moment <= since:
            return
        self.time_zones[coach_id] = (name, moment)
        if name != current:
            self.time_zone_changed.add(coach_id)

    def _billing_payment_completed(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["kind"] == "subscription":
            return  # the coach pays the platform: MRR speaks of it
        amount, currency = payload["amount"], payload["currency"]
        self._count(COACH, coach_id, day, "revenueGrossAmount", amount, currency)
        self._count(COACH, coach_id, day, "payments", 1)
        if payload["kind"] == "course_purchase":
            self._count(COACH, coach_id, day, "courseSales", 1)
            self._count(COACH, coach_id, day, "courseSalesAmount", amount, currency)
            self._count(PLATFORM, coach_id, utc_day, "gmvAmount", amount, currency)
            self._count(PLATFORM, coach_id, utc_day, "courseSales", 1)
        self._payment_state(coach_id, payload, "paid", moment)

    def _billing_payment_refunded(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["kind"] == "subscription":
            return
        self._count(COACH, coach_id, day, "refundsAmount", payload["amount"], payload["currency"])
        self._payment_state(coach_id, payload, "refunded", moment)

    def _billing_payment_failed(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["kind"] == "subscription":
            return
        self._count(COACH, coach_id, day, "paymentsFailed", 1)
        self._payment_state(coach_id, payload, "failed", moment)

    def _payment_state(self, coach_id: UUID, payload: Mapping[str, Any], state: str, moment: dt.datetime) -> None:
        client_id = client_of(payload)
        if client_id is None:
            return
        facts = self._client(coach_id, client_id)
        if facts.payment_at is None or moment >= facts.payment_at:
            facts.payment_state, facts.payment_at = state, moment

    def _subscription(self, coach_id, payload, moment, utc_day, *, status: str) -> None:
        subscription_id = UUID(payload["subscriptionId"])
        state = self.subscriptions.get(subscription_id)
        if state is not None and moment < state.changed_at:
            # Older than what is known: nothing moves. Stripe's times are whole seconds, so two real
            # changes can share one; billing publishes them in order, and the later one wins. The
            # same state again (activated and updated for one change) moves nothing either.
            return
        counted = monthly_amount(payload["amount"], payload["interval"]) if status in MRR_STATUSES else 0
        previous = 0
        if state is not None and state.status in MRR_STATUSES:
            previous = state.monthly_amount
        currency = payload["currency"]
        movement = mrr_movement(previous, counted)
        if movement is not None:
            metric, size = movement
            self._count(PLATFORM, coach_id, utc_day, metric, size, currency)
        if status == "canceled" and (state is None or state.status != "canceled"):
            self._count(PLATFORM, coach_id, utc_day, "coachesChurned", 1)
        self.subscriptions[subscription_id] = SubscriptionState(
            subscription_id=subscription_id,
            coach_id=coach_id,
            status=status,
            monthly_amount=monthly_amount(payload["amount"], payload["interval"]),
            currency=currency,
            changed_at=moment,
        )
        self.changed_subscriptions.add(subscription_id)

    def _billing_subscription_activated(self, coach_id, payload, moment, day, utc_day) -> None:
        self._subscription(coach_id, payload, moment, utc_day, status=payload["status"])

    def _billing_subscription_updated(self, coach_id, payload, moment, day, utc_day) -> None:
        self._subscription(coach_id, payload, moment, utc_day, status=payload["status"])

    def _billing_subscription_canceled(self, coach_id, payload, moment, day, utc_day) -> None:
        self._subscription(coach_id, payload, moment, utc_day, status="canceled")

    def _courses_enrollment_created(self, coach_id, payload, moment, day, utc_day) -> None:
        state = self._enrollment(coach_id, payload)
        state.enrolled_at = moment
        self._client(coach_id, state.client_id)

    def _courses_enrollment_completed(self, coach_id, payload, moment, day, utc_day) -> None:
        state = self._enrollment(coach_id, payload)
        state.enrolled_at = state.enrolled_at or parse_moment(payload["enrolledAt"])
        state.completed_at = moment

    def _courses_progress_updated(self, coach_id, payload, moment, day, utc_day) -> None:
        state = self._enrollment(coach_id, payload)
        if state.progress_at is None or moment >= state.progress_at:
            state.progress_percent = payload["progressPercent"]
            state.completed_lessons = payload["completedLessons"]
            state.total_lessons = payload["totalLessons"]
            state.progress_at = moment
        self.activity.add(("learner", coach_id, state.client_id, day))
        facts = self._client(coach_id, state.client_id)
        if facts.last_active_at is None or moment > facts.last_active_at:
            facts.last_active_at = moment
        lesson_id = payload.get("lessonId")
        # v2 also announces playback reports (lessonCompleted false); v1 only ever a completion.
        if lesson_id and payload.get("lessonCompleted", True):
            # The first completion of a lesson in log order stays (the live path inserts it once).
            self.lessons.setdefault(
                (state.enrollment_id, UUID(lesson_id)), (state.course_id, coach_id, payload["completedLessons"])
            )

    def _email(self, coach_id, payload, day, metric: str) -> None:
        if coach_id == NO_COACH:
            return
        self._count(COACH, coach_id, day, metric, 1)
        client_id = client_of(payload)
        if client_id is None:
            return
        facts = self._client(coach_id, client_id)
        if metric == "emailsSent":
            facts.emails_sent += 1
        elif metric == "emailsOpened":
            facts.emails_opened += 1
        elif metric == "emailsClicked":
            facts.emails_clicked += 1

    def _comms_email_sent(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsSent")

    def _comms_email_delivered(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsDelivered")

    def _comms_email_opened(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsOpened")

    def _comms_email_clicked(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsClicked")

    def _comms_email_complained(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsComplained")

    def _comms_email_failed(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["severity"] == "permanent":
            self._email(coach_id, payload, day, "emailsBounced")

    def _leads_lead_created(self, coach_id, payload, moment, day, utc_day) -> None:
        self._count(COACH, coach_id, day, "newLeads", 1, payload["source"])

    def _leads_status_changed(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["toStatus"] == "booked":
            self._count(COACH, coach_id, day, "bookings", 1)

    def _leads_client_erased(self, coach_id, payload, moment, day, utc_day) -> None:
        self.erased.add((coach_id, UUID(payload["clientId"])))

    def _integrations_webhook_received(self, coach_id, payload, moment, day, utc_day) -> None:
        self._count(PLATFORM, coach_id, utc_day, "webhooksReceived", 1, payload["provider"])

    def _integrations_webhook_processed(self, coach_id, payload, moment, day, utc_day) -> None:
        self._count(PLATFORM, coach_id, utc_day, "webhooksProcessed", 1, payload["provider"])

    def _notify_admins(self, coach_id, payload, moment, day, utc_day) -> None:
        # The kernel asks for this notice once per dead letter of the bus, from the context that
        # gave up (nlc/events/notices.py): the platform's dead-letter health.
        if payload["kind"] == "event_dead_lettered":
            self._count(PLATFORM, coach_id, utc_day, "eventsDeadLettered", 1)

    def _integrations_webhook_failed(self, coach_id, payload, moment, day, utc_day) -> None:
        self._count(PLATFORM, coach_id, utc_day, "webhooksFailed", 1, payload["provider"])
        if not payload["willRetry"]:
            self._count(PLATFORM, coach_id, utc_day, "webhooksDeadLettered", 1, payload["provider"])


# -- reading the counters -------------------------------------------------------------------------


def money_totals(metrics: Mapping[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    """{currency: {gross, refunds, net, course_sales}} from (metric, dimension) sums."""
    totals: dict[str, dict[str, int]] = {}
    for (metric, currency), value in metrics.items():
        if metric in ("revenueGrossAmount", "refundsAmount", "courseSalesAmount"):
            row = totals.setdefault(currency, {"gross": 0, "refunds": 0, "net": 0, "course_sales": 0})
            key = {"revenueGrossAmount": "gross", "refundsAmount": "refunds", "courseSalesAmount": "course_sales"}
            row[key[metric]] += value
    for row in totals.values():
        row["net"] = row["gross"] - row["refunds"]
    return dict(sorted(totals.items()))


def conversion_rate(conversions: int, new_leads: int) -> float | None:
    """Conversions over new leads of the same period; None without leads."""
    return round(conversions / new_leads, 4) if new_leads else None


def snapshot_metrics(sums: Mapping[tuple[str, str], int]) -> tuple[str | None, dict[str, int]]:
    """One day's (metric, dimension) sums as ``analytics.snapshot.updated`` carries them: integers
    by camelCase name, the money of one currency (the day's largest by gross or GMV)."""
    counts: dict[str, int] = {}
    money: dict[str, dict[str, int]] = {}
    for (metric, dimension), value in sums.items():
        if metric.endswith("Amount"):
            money.setdefault(dimension, {})[metric] = money.get(dimension, {}).get(metric, 0) + value
        else:
            counts[metric] = counts.get(metric, 0) + value
    if "newLeads" in counts or "conversions" in counts:
        rate = conversion_rate(counts.get("conversions", 0), counts.get("newLeads", 0))
        if rate is not None:
            counts["conversionRateBasisPoints"] = round(rate * 10000)
    if not money:
        return None, dict(sorted(counts.items()))
    currency = max(
        sorted(money), key=lambda code: money[code].get("revenueGrossAmount", 0) + money[code].get("gmvAmount", 0)
    )
    chosen = money[currency]
    if "revenueGrossAmount" in chosen or "refundsAmount" in chosen:
        chosen["revenueNetAmount"] = chosen.get("revenueGrossAmount", 0) - chosen.get("refundsAmount", 0)
    return currency, dict(sorted({**counts, **chosen}.items()))


# -- client health --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthPart:
    name: str
    points: int
    max_points: int
    fact: str


def health_parts(facts: ClientFacts, enrollments: Iterable[EnrollmentState], *, today: dt.date) -> list[HealthPart]:
    """A client's health, 0-100, as four parts with the fact behind each."""
    return [
        _activity_part(facts, today),
        _pace_part(list(enrollments), today),
        _email_part(facts),
        _payment_part(facts),
    ]


def health_score(parts: Iterable[HealthPart]) -> int:
    return sum(part.points for part in parts)


def _activity_part(facts: ClientFacts, today: dt.date) -> HealthPart:
    if facts.last_active_at is None:
        return HealthPart("recentActivity", 0, 30, "no lesson progress yet")
    days = max(0, (today - facts.last_active_at.astimezone(dt.UTC).date()).days)
    points = 30 if days <= 7 else 20 if days <= 14 else 10 if days <= 28 else 0
    return HealthPart("recentActivity", points, 30, f"last progress {days} day(s) ago")


def _pace_part(enrollments: list[EnrollmentState], today: dt.date) -> HealthPart:
    """Progress against a 30-day pace: a course is expected done 30 days after enrolling."""
    if not enrollments:
        return HealthPart("progressPace", 0, 30, "not enrolled in any course")
    paces = []
    for enrollment in enrollments:
        if enrollment.completed_at is not None:
            paces.append(1.0)
            continue
        started = enrollment.enrolled_at or enrollment.progress_at or dt.datetime.combine(today, dt.time(), dt.UTC)
        days = max(1, (today - started.astimezone(dt.UTC).date()).days)
        expected = min(1.0, days / 30)
        paces.append(min(1.0, (enrollment.progress_percent / 100) / expected))
    pace = sum(paces) / len(paces)
    average = round(sum(enrollment.progress_percent for enrollment in enrollments) / len(enrollments))
    return HealthPart(
        "progressPace",
        round(30 * pace),
        30,
        f"{len(enrollments)} enrollment(s), {average}% average progress, {round(pace * 100)}% of a 30-day pace",
    )


def _email_part(facts: ClientFacts) -> HealthPart:
    if facts.emails_sent == 0:
        return HealthPart("emailEngagement", 10, 20, "no e-mails sent yet")
    opened = min(1.0, facts.emails_opened / facts.emails_sent)
    clicked = min(1.0, facts.emails_clicked / facts.emails_sent)
    return HealthPart(
        "emailEngagement",
        round(15 * opened + 5 * clicked),
        20,
        f"{facts.emails_opened} opened and {facts.emails_clicked} clicked of {facts.emails_sent} sent",
    )


def _payment_part(facts: ClientFacts) -> HealthPart:
    points = {"paid": 20, "": 10, "refunded": 5, "failed": 0}[facts.payment_state]
    fact = {
        "paid": "last payment succeeded",
        "": "no payment yet",
        "refunded": "last payment refunded",
        "failed": "last payment failed",
    }[facts.payment_state]
    return HealthPart("paymentState", points, 20, fact)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell_escape(value: str) -> str:
    """A cell of an export as text a spreadsheet will not run: a leading quote before a formula sign."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


# -- ranges and buckets ---------------------------------------------------------------------------

MAX_RANGE_DAYS = 400


def bucket_start(day: dt.date, bucket: str) -> dt.date:
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def buckets(date_from: dt.date, date_to: dt.date, bucket: str) -> list[tuple[dt.date, dt.date]]:
    """The (first, last) days of each bucket covering the range, clipped to it."""
    spans: list[tuple[dt.date, dt.date]] = []
    day = date_from
    while day <= date_to:
        start = bucket_start(day, bucket)
        if bucket == "week":
            end = start + dt.timedelta(days=6)
        elif bucket == "month":
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        else:
            end = start
        end = min(end, date_to)
        spans.append((day, end))
        day = end + dt.timedelta(days=1)
    return spans


def range_problem(date_from: dt.date, date_to: dt.date) -> str | None:
    """Why [date_from, date_to] cannot be read, or None."""
    if date_to < date_from:
        return "must not be before dateFrom"
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        return f"the range may cover at most {MAX_RANGE_DAYS} days"
    return None


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of equal length just before [date_from, date_to]."""
    length = (date_to - date_from).days + 1
    return date_from - dt.timedelta(days=length), date_from - dt.timedelta(days=1)
