"""What comms handles from other contexts' events: transactional mail, and Mailgun's events as
integrations hands them on.

Each handler reads its payload through the typed accessors and calls one service. A mail that can
never be made (no template, nobody to write to, a template that does not render) is logged and
dead-lettered with its reason, never dropped in silence; a passing failure propagates and the bus
retries the delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from contexts.comms import selectors, services
from contexts.comms.errors import (
    MailgunEventMalformedError,
    RecipientUnknownError,
    TemplateMissingError,
    TemplateRenderError,
)
from contexts.comms.models import SequenceTrigger
from nlc.events import DeadLetterError, Event, handles

logger = logging.getLogger(__name__)


@contextmanager
def _mail_for(event: Event) -> Iterator[None]:
    try:
        yield
    except (TemplateMissingError, RecipientUnknownError, TemplateRenderError) as error:
        reason = f"{event.type} {event.event_id}: {error}"
        logger.error("e-mail cannot be made", extra={"event_id": str(event.event_id), "reason": str(error)})
        raise DeadLetterError(reason) from error


@handles("auth.password.reset_requested", versions=(1,))
def password_reset_email(event: Event) -> None:
    with _mail_for(event):
        services.password_reset_email_queue(
            event_id=event.event_id,
            email=event.text("email"),
            first_name=event.text("firstName", default=""),
            reset_url=event.text("resetUrl"),
            expires_at=event.moment("expiresAt"),
        )


@handles("auth.user.created", versions=(1,))
def coach_welcome_email(event: Event) -> None:
    with _mail_for(event):
        services.coach_signup_record(
            event_id=event.event_id,
            email=event.text("email"),
            first_name=event.text("firstName", default=""),
            last_name=event.text("lastName", default=""),
            role=event.text("role"),
            coach_id=event.optional_uuid("coachId"),
        )


@handles("courses.enrollment.created", versions=(1,))
def enrollment_access_email(event: Event) -> None:
    with _mail_for(event):
        services.enrollment_access_email_queue(
            event_id=event.event_id,
            coach_id=event.uuid("coachId"),
            client_id=event.uuid("clientId"),
            client_email=event.text("clientEmail"),
            client_name=event.text("clientName", default=""),
            course_title=event.text("courseTitle"),
            access_url=event.optional_text("accessUrl"),
        )


@handles("courses.enrollment.completed", versions=(1,))
def enrollment_completed_email(event: Event) -> None:
    with _mail_for(event):
        services.enrollment_completed_email_queue(
            event_id=event.event_id,
            coach_id=event.uuid("coachId"),
            client_id=event.uuid("clientId"),
            client_email=event.text("clientEmail"),
            client_name=event.text("clientName", default=""),
            course_title=event.text("courseTitle"),
        )


def _payment(event: Event, service: Callable[..., object], **extra: object) -> None:
    with _mail_for(event):
        service(
            event_id=event.event_id,
            kind=event.text("kind"),
            coach_id=event.uuid("coachId"),
            client_id=event.optional_uuid("clientId"),
            client_email=event.optional_text("clientEmail"),
            client_name=event.optional_text("clientName"),
            amount=event.integer("amount"),
            currency=event.text("currency"),
            **extra,
        )


@handles("billing.payment.completed", versions=(1,))
def payment_receipt_email(event: Event) -> None:
    _payment(
        event,
        services.payment_receipt_queue,
        paid_at=event.moment("paidAt"),
        payment_reference=event.text("externalPaymentId"),
    )


@handles("billing.payment.failed", versions=(1,))
def payment_failed_email(event: Event) -> None:
    _payment(
        event,
        services.payment_failed_email_queue,
        failure_message=event.optional_text("failureMessage"),
        next_attempt_at=event.optional_moment("nextAttemptAt"),
    )


@handles("billing.invoice.issued", versions=(1,))
def invoice_email(event: Event) -> None:
    with _mail_for(event):
        services.invoice_email_queue(
            event_id=event.event_id,
            coach_id=event.uuid("coachId"),
            number=event.text("number"),
            status=event.text("status"),
            amount=event.integer("amount"),
            currency=event.text("currency"),
            due_at=event.optional_moment("dueAt"),
            invoice_url=event.optional_text("hostedInvoiceUrl"),
            pdf_url=event.optional_text("pdfUrl"),
        )


@handles("integrations.webhook.received", versions=(1,))
def mailgun_event(event: Event) -> None:
    """A verified Mailgun webhook (``data`` is Mailgun's body); other providers are not comms'."""
    if event.text("provider") != "mailgun":
        return
    try:
        services.mailgun_event_apply(provider_event_id=event.text("providerEventId"), data=event.value("data"))
    except MailgunEventMalformedError as error:
        raise DeadLetterError(f"webhook {event.optional_text('webhookEventId')}: {error}") from error


# --- Audiences and sequences ------------------------------------------------------------------------


@handles("courses.enrollment.created", versions=(1,))
def enrollment_sequences_start(event: Event) -> None:
    """Keep the client's address and course (segments), and start the coach's enrollment sequences."""
    coach_id, client_id = event.uuid("coachId"), event.uuid("clientId")
    email, name = event.text("clientEmail"), event.text("clientName", default="")
    course_id = event.uuid("courseId")
    services.client_contact_record(coach_id=coach_id, client_id=client_id, email=email, name=name)
    services.course_member_record(coach_id=coach_id, course_id=course_id, client_id=client_id)
    services.sequence_runs_start_for(
        coach_id=coach_id,
        trigger=SequenceTrigger.ENROLLMENT_CREATED,
        value=str(course_id),
        email=email,
        name=name,
        client_id=client_id,
        event_type=event.type,
    )


@handles("billing.payment.completed", versions=(1,))
def purchase_sequences_exit(event: Event) -> None:
    """A client's purchase: keep its address, and end the coach's sequences that stop on a purchase."""
    email, client_id = event.optional_text("clientEmail"), event.optional_uuid("clientId")
    if event.text("kind") != "course_purchase" or not email or client_id is None:
        return
    coach_id = event.uuid("coachId")
    services.client_contact_record(
        coach_id=coach_id, client_id=client_id, email=email, name=event.optional_text("clientName") or ""
    )
    services.sequence_runs_exit_on_purchase(coach_id=coach_id, client_id=client_id, email=email)


@handles("leads.converted", versions=(1,))
def conversion_sequences_exit(event: Event) -> None:
    if event.text("via") == "purchase":
        services.sequence_runs_exit_on_purchase(
            coach_id=event.uuid("coachId"), client_id=event.uuid("clientId"), email=event.text("email")
        )


@handles("leads.lead.created", versions=(1, 2))
def lead_sequences_start(event: Event) -> None:
    coach_id, client_id, email = event.uuid("coachId"), event.uuid("clientId"), event.text("email")
    name = " ".join(part for part in (event.optional_text("firstName"), event.optional_text("lastName")) if part)
    services.client_contact_record(coach_id=coach_id, client_id=client_id, email=email, name=name)
    services.sequence_runs_start_for(
        coach_id=coach_id,
        trigger=SequenceTrigger.LEAD_CREATED,
        value="",
        email=email,
        name=name,
        client_id=client_id,
        event_type=event.type,
    )


@handles("leads.lead.tagged", versions=(1,))
def lead_tag_sequences_start(event: Event) -> None:
    """A tag newly added to a lead: the coach's sequences triggered by that tag start."""
    coach_id, client_id, email = event.uuid("coachId"), event.uuid("clientId"), event.text("email")
    name = " ".join(part for part in (event.optional_text("firstName"), event.optional_text("lastName")) if part)
    services.client_contact_record(coach_id=coach_id, client_id=client_id, email=email, name=name)
    services.sequence_runs_start_for(
        coach_id=coach_id,
        trigger=SequenceTrigger.LEAD_TAGGED,
        value=event.text("tag"),
        email=email,
        name=name,
        client_id=client_id,
        event_type=event.type,
    )


@handles("leads.status.changed", versions=(1, 2))
def lead_status_sequences_start(event: Event) -> None:
    coach_id, client_id = event.uuid("coachId"), event.uuid("clientId")
    contact = selectors.client_contact_get(coach_id=coach_id, client_id=client_id)
    if contact is None:
        logger.info("lead status for a client comms has no address of", extra={"client_id": str(client_id)})
        return
    services.sequence_runs_start_for(
        coach_id=coach_id,
        trigger=SequenceTrigger.LEAD_STATUS,
        value=event.text("toStatus"),
        email=contact.email,
        name=contact.name,
        client_id=client_id,
        event_type=event.type,
    )


# --- Privacy ----------------------------------------------------------------------------------------


@handles("leads.client.erased", versions=(1,))
def client_erased(event: Event) -> None:
    """The coach had the person erased: their address and mail go, and the coach never mails them again."""
    services.client_erase(
        coach_id=event.uuid("coachId"), client_id=event.uuid("clientId"), erased_at=event.moment("erasedAt")
    )
