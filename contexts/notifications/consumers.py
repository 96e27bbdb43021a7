"""What the notifications context makes of other contexts' events: thin handlers that turn one event
into a draft (rules.py) and hand it to ``notification_deliver`` for its recipients.

Each runs in the transaction of its inbox row (nlc.events.dispatch), so a redelivered event changes
nothing; the notification's key (one per recipient and fact) keeps a fact published twice under
two event ids to one notification too. A coach's user id is its coach id; platform notices go to
every active admin this context knows from auth's events.
"""

from __future__ import annotations

import logging
from uuid import UUID

from contexts.notifications import rules, services
from contexts.notifications.data import NotificationDraft
from nlc.events import Event, handles

logger = logging.getLogger(__name__)


def _name(event: Event) -> str:
    return " ".join(part for part in (event.optional_text("firstName"), event.optional_text("lastName")) if part)


# --- Users ---------------------------------------------------------------------------------------
@handles("auth.user.created", versions=(1,))
def user_from_created(event: Event) -> None:
    """Keep a copy of every admin and coach; tell admins about a new coach."""
    user_id = event.uuid("userId")
    role = event.text("role")
    services.user_copy_save(
        user_id=user_id,
        role=role,
        coach_id=event.optional_uuid("coachId"),
        email=event.text("email"),
        name=_name(event),
    )
    if role == rules.COACH:
        services.notification_deliver(
            recipients=services.admin_ids(),
            draft=rules.coach_signup(
                user_id=user_id, name=_name(event), email=event.text("email"), method=event.text("signupMethod")
            ),
            producer=event.producer,
        )


@handles("auth.user.updated", versions=(1,))
def user_from_updated(event: Event) -> None:
    services.user_copy_save(
        user_id=event.uuid("userId"),
        role=event.text("role"),
        coach_id=event.optional_uuid("coachId"),
        email=event.text("email"),
        name=_name(event),
        status=event.text("status"),
    )


# --- Money ---------------------------------------------------------------------------------------
@handles("billing.payment.completed", versions=(1,))
def sale_received(event: Event) -> None:
    """A client paying the coach (a course purchase, or anything else with a client); a coach's own
    subscription payment is no news to them."""
    client_id = event.optional_uuid("clientId")
    if event.text("kind") == "subscription" or client_id is None:
        return
    coach_id = event.uuid("coachId")
    services.notification_deliver(
        recipients=[coach_id],
        draft=rules.sale(
            transaction_id=event.uuid("transactionId"),
            coach_id=coach_id,
            amount=event.integer("amount"),
            currency=event.text("currency"),
            client=rules.person(event.optional_text("clientName"), event.optional_text("clientEmail")),
            course=event.text("kind") == "course_purchase",
        ),
        producer=event.producer,
    )


@handles("billing.payment.refunded", versions=(1,))
def refund_made(event: Event) -> None:
    if event.text("kind") == "subscription":
        return
    coach_id = event.uuid("coachId")
    services.notification_deliver(
        recipients=[coach_id],
        draft=rules.refund(
            refund_id=event.uuid("refundId"),
            transaction_id=event.uuid("transactionId"),
            coach_id=coach_id,
            amount=event.integer("amount"),
            currency=event.text("currency"),
            client=rules.person(None, event.optional_text("clientEmail")),
            full=bool(event.value("fullRefund")),
        ),
        producer=event.producer,
    )


@handles("billing.payment.failed", versions=(1,))
def payment_failed(event: Event) -> None:
    """A client's payment to the coach, or the coach's own subscription payment: the coach is told."""
    coach_id = event.uuid("coachId")
    services.notification_deliver(
        recipients=[coach_id],
        draft=rules.payment_failure(
            transaction_id=event.uuid("transactionId"),
            coach_id=coach_id,
            amount=event.integer("amount"),
            currency=event.text("currency"),
            subscription=event.text("kind") == "subscription",
            client=rules.person(event.optional_text("clientName"), event.optional_text("clientEmail")),
            reason=event.optional_text("failureMessage"),
            attempt=event.integer("attemptCount"),
        ),
        producer=event.producer,
    )


@handles("billing.subscription.canceled", versions=(1,))
def subscription_canceled(event: Event) -> None:
    services.notification_deliver(
        recipients=services.admin_ids(),
        draft=rules.cancellation(
            subscription_id=event.uuid("subscriptionId"),
            coach_id=event.uuid("coachId"),
            plan=event.text("planName"),
            amount=event.integer("amount"),
            currency=event.text("currency"),
            interval=event.text("interval"),
            reason=event.optional_text("reason"),
        ),
        producer=event.producer,
    )


# --- Leads ---------------------------------------------------------------------------------------
@handles("leads.lead.created", versions=(1, 2))
def lead_created(event: Event) -> None:
    coach_id = event.uuid("coachId")
    services.notification_deliver(
        recipients=[coach_id],
        draft=rules.new_lead(
            lead_id=event.uuid("leadId"),
            coach_id=coach_id,
            name=_name(event),
            email=event.text("email"),
            source=event.text("source"),
        ),
        producer=event.producer,
    )


@handles("leads.status.changed", versions=(1, 2))
def lead_booked(event: Event) -> None:
    """A move to ``booked`` (v2's pipeline; v1 has no such status, so a v1 event tells nothing)."""
    if event.text("toStatus") != "booked":
        return
    coach_id = event.uuid("coachId")
    services.notification_deliver(
        recipients=[coach_id],
        draft=rules.booking(
            lead_id=event.uuid("leadId"), coach_id=coach_id, changed_at_key=event.moment("changedAt").isoformat()
        ),
        producer=event.producer,
    )


# --- Courses and media -------------------------------------------------------------------------
@handles("courses.enrollment.completed", versions=(1,))
def course_completed(event: Event) -> None:
    coach_id = event.uuid("coachId")
    services.notification_deliver(
        recipients=[coach_id],
        draft=rules.completion(
            enrollment_id=event.uuid("enrollmentId"),
            coach_id=coach_id,
            course_id=event.uuid("courseId"),
            course_title=event.text("courseTitle"),
            client=rules.person(event.optional_text("clientName"), event.text("clientEmail")),
        ),
        producer=event.producer,
    )


@handles("media.asset.ready", versions=(1, 2))
def asset_ready(event: Event) -> None:
    coach_id = event.uuid("coachId")
    services.notification_deliver(
        recipients=[coach_id],
        draft=rules.asset_outcome(
            asset_id=event.uuid("assetId"), coach_id=coach_id, kind=event.text("kind"), ready=True
        ),
        producer=event.producer,
    )


@handles("media.asset.failed", versions=(1, 2))
def asset_failed(event: Event) -> None:
    coach_id = event.uuid("coachId")
    services.notification_deliver(
        recipients=[coach_id],
        draft=rules.asset_outcome(
            asset_id=event.uuid("assetId"),
            coach_id=coach_id,
            kind=event.text("kind"),
            ready=False,
            reason=event.text("reason"),
        ),
        producer=event.producer,
    )


# --- Platform ------------------------------------------------------------------------------------
@handles("integrations.webhook.failed", versions=(1,))
def webhook_failed(event: Event) -> None:
    """Admins hear of a webhook once integrations gives up on it, not of every retry."""
    if event.value("willRetry"):
        return
    services.notification_deliver(
        recipients=services.admin_ids(),
        draft=rules.webhook_failure(
            webhook_event_id=event.uuid("webhookEventId"),
            provider=event.text("provider"),
            event_type=event.text("eventType"),
            reason=event.text("reason"),
            attempts=event.integer("attempts"),
        ),
        producer=event.producer,
    )


# --- Requests from other contexts ----------------------------------------------------------------
@handles("notify.user", versions=(1, 2))
def notification_requested(event: Event) -> None:
    """Another context asks for a notification (decision 0009): published from the asker's own
    outbox, it is created once per ``notificationId`` for its recipient."""
    services.notification_deliver(
        recipients=[event.uuid("recipientUserId")],
        draft=_requested(event, coach_id=event.optional_uuid("coachId")),
        producer=event.producer,
    )


@handles("notify.admins", versions=(1,))
def admin_notice_requested(event: Event) -> None:
    """Another context (or the kernel, for a dead letter) asks for a notice to every active admin:
    created once per ``notificationId`` and admin."""
    services.notification_deliver(
        recipients=services.admin_ids(), draft=_requested(event, coach_id=None), producer=event.producer
    )


def _requested(event: Event, *, coach_id: UUID | None) -> NotificationDraft:
    """The notification a request type (notify.user, notify.admins) asks for."""
    return rules.requested(
        notification_id=event.uuid("notificationId"),
        coach_id=coach_id,
        kind=event.text("kind"),
        title=event.text("title"),
        body=event.text("body"),
        link=event.optional_text("link"),
    )
