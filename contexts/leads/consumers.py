"""What the leads context does with other contexts' events: thin handlers that call one service.

Each runs in the transaction of its inbox row (nlc.events.dispatch), so a redelivered event changes
nothing; the services are idempotent besides (a payment converts a lead once).
"""

from __future__ import annotations

import logging

from contexts.leads import services
from contexts.leads.calendly import INVITEE_EVENTS, CalendlyPayloadError, invitee_from_webhook
from contexts.leads.errors import CalendlyUserUnknownError
from contexts.leads.models import TimelineKind
from nlc.events import DeadLetterError, Event, handles

logger = logging.getLogger(__name__)


@handles("auth.user.created", versions=(1,))
def coach_copy_from_user_created(event: Event) -> None:
    """Keep a copy of each coach (the demo data finds its coach by it)."""
    if event.text("role") != "coach":
        return
    services.coach_copy_save(coach_id=event.uuid("coachId"), email=event.text("email"))


@handles("integrations.webhook.received", versions=(1,))
def booking_from_calendly(event: Event) -> None:
    """Calendly's invitee.created / invitee.canceled: the lead and its booking. Other providers'
    webhooks and other Calendly events are someone else's (or nobody's)."""
    if event.text("provider") != "calendly" or event.text("eventType") not in INVITEE_EVENTS:
        return
    data = event.value("data", None)
    try:
        invitee = invitee_from_webhook(data if isinstance(data, dict) else {})
        services.booking_record(invitee=invitee, coach_id=event.optional_uuid("coachId"))
    except (CalendlyPayloadError, CalendlyUserUnknownError) as error:
        raise DeadLetterError(str(error)) from error


@handles("billing.payment.completed", versions=(1,))
def client_from_payment(event: Event) -> None:
    """A payment naming a client (a course purchase or any other) makes them a client."""
    client_email = event.optional_text("clientEmail")
    client_id = event.optional_uuid("clientId")
    if not client_email or client_id is None:
        return
    services.payment_record(
        transaction_id=event.uuid("transactionId"),
        coach_id=event.uuid("coachId"),
        kind=event.text("kind"),
        course_id=event.optional_uuid("courseId"),
        client_id=client_id,
        client_email=client_email,
        client_name=event.text("clientName", default=""),
        amount=event.integer("amount"),
        currency=event.text("currency"),
        paid_at=event.moment("paidAt"),
    )


@handles("billing.payment.refunded", versions=(1,))
def client_refund(event: Event) -> None:
    services.payment_refund_record(
        transaction_id=event.uuid("transactionId"),
        amount=event.integer("amount"),
        currency=event.text("currency"),
        refunded_at=event.moment("refundedAt"),
    )


@handles("courses.enrollment.created", versions=(1,))
def client_enrollment(event: Event) -> None:
    services.enrollment_record(
        enrollment_id=event.uuid("enrollmentId"),
        coach_id=event.uuid("coachId"),
        client_id=event.uuid("clientId"),
        course_id=event.uuid("courseId"),
        course_title=event.text("courseTitle"),
        enrolled_at=event.moment("enrolledAt"),
    )


@handles("courses.progress.updated", versions=(1, 2))
def client_progress(event: Event) -> None:
    services.enrollment_progress_record(
        enrollment_id=event.uuid("enrollmentId"),
        progress_percent=event.integer("progressPercent"),
        updated_at=event.moment("updatedAt"),
    )


@handles("courses.enrollment.completed", versions=(1,))
def client_completion(event: Event) -> None:
    services.enrollment_complete_record(
        enrollment_id=event.uuid("enrollmentId"), completed_at=event.moment("completedAt")
    )


def _email_touch(event: Event, *, kind: str, at_field: str, data: dict) -> None:
    coach_id = event.optional_uuid("coachId")
    client_id = event.optional_uuid("clientId")
    if coach_id is None or client_id is None:
        return
    services.email_touch_record(
        coach_id=coach_id,
        client_id=client_id,
        kind=kind,
        occurred_at=event.moment(at_field),
        subject=event.text("subject", default="") or event.text("templateKey"),
        data={"emailId": str(event.uuid("emailId")), **data},
    )


@handles("comms.email.sent", versions=(1,))
def email_sent(event: Event) -> None:
    _email_touch(event, kind=TimelineKind.EMAIL_SENT, at_field="sentAt", data={})


@handles("comms.email.opened", versions=(1,))
def email_opened(event: Event) -> None:
    _email_touch(event, kind=TimelineKind.EMAIL_OPENED, at_field="openedAt", data={})


@handles("comms.email.clicked", versions=(1,))
def email_clicked(event: Event) -> None:
    _email_touch(event, kind=TimelineKind.EMAIL_CLICKED, at_field="clickedAt", data={"url": event.text("url")})
