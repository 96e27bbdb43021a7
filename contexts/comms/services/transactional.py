"""Transactional mail from other contexts' events: one service per event, called by its consumer.

Each queues one message made from the event's payload (plain values only) with the trigger's event
id, so a redelivered event makes no second message. Who it goes to comes from the payload, or, for
mail to a coach, from the address comms kept from ``auth.user.created`` (billing names a coach by id
only); nobody to write to raises RecipientUnknownError, which the consumer dead-letters.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from contexts.comms import defaults, selectors
from contexts.comms.errors import RecipientUnknownError
from contexts.comms.models import CoachContact, Message
from contexts.comms.rules import moment_text, money
from contexts.comms.services.sending import message_queue
from nlc.db.transactions import atomic

CONTEXT = "comms"
SUBSCRIPTION = "subscription"


def coach_signup_record(
    *,
    event_id: UUID,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    coach_id: UUID | None,
) -> Message | None:
    """Keep a new coach's address (receipts and invoices go there) and welcome the coach. Admins
    get no welcome e-mail."""
    if role != "coach" or coach_id is None:
        return None
    with atomic(CONTEXT):
        CoachContact.objects.update_or_create(
            coach_id=coach_id, defaults={"email": email, "first_name": first_name, "last_name": last_name}
        )
        return message_queue(
            key=defaults.WELCOME,
            to_email=email,
            to_name=f"{first_name} {last_name}",
            coach_id=coach_id,
            context={"first_name": first_name, "last_name": last_name},
            trigger_event_id=event_id,
            trigger_event_type="auth.user.created",
        )


def password_reset_email_queue(
    *, event_id: UUID, email: str, first_name: str, reset_url: str, expires_at: datetime
) -> Message:
    """The reset link, to the account's address. The link is a secret: it leaves the stored message
    once sent (COMMS_REDACT_SECRETS)."""
    return message_queue(
        key=defaults.PASSWORD_RESET,
        to_email=email,
        to_name=first_name,
        context={"first_name": first_name, "reset_url": reset_url, "expires_at": moment_text(expires_at)},
        trigger_event_id=event_id,
        trigger_event_type="auth.password.reset_requested",
        secrets=(reset_url,),
    )


def enrollment_access_email_queue(
    *,
    event_id: UUID,
    coach_id: UUID,
    client_id: UUID,
    client_email: str,
    client_name: str,
    course_title: str,
    access_url: str | None,
) -> Message:
    """The learner's access link (a bearer credential: removed from the stored message once sent)."""
    return message_queue(
        key=defaults.ENROLLMENT_ACCESS,
        to_email=client_email,
        to_name=client_name,
        coach_id=coach_id,
        client_id=client_id,
        context={"client_name": client_name, "course_title": course_title, "access_url": access_url or ""},
        trigger_event_id=event_id,
        trigger_event_type="courses.enrollment.created",
        sender_coach_id=coach_id,
        secrets=(access_url,) if access_url else (),
    )


def enrollment_completed_email_queue(
    *, event_id: UUID, coach_id: UUID, client_id: UUID, client_email: str, client_name: str, course_title: str
) -> Message:
    return message_queue(
        key=defaults.ENROLLMENT_COMPLETED,
        to_email=client_email,
        to_name=client_name,
        coach_id=coach_id,
        client_id=client_id,
        context={"client_name": client_name, "course_title": course_title},
        trigger_event_id=event_id,
        trigger_event_type="courses.enrollment.completed",
        sender_coach_id=coach_id,
    )


def _payer(*, kind: str, coach_id: UUID, client_email: str | None, client_name: str | None) -> tuple[str, str]:
    """Who paid: the coach for its subscription, else the client (the buyer)."""
    if kind == SUBSCRIPTION:
        return _coach_address(coach_id)
    if not client_email:
        raise RecipientUnknownError(f"a {kind} payment of coach {coach_id} names no client e-mail")
    return client_email, client_name or ""


def _coach_address(coach_id: UUID) -> tuple[str, str]:
    contact = selectors.coach_contact_get(coach_id=coach_id)
    if contact is None:
        raise RecipientUnknownError(f"no address of coach {coach_id} (no auth.user.created seen for it)")
    return contact.email, contact.first_name


def payment_receipt_queue(
    *,
    event_id: UUID,
    kind: str,
    coach_id: UUID,
    client_id: UUID | None,
    client_email: str | None,
    client_name: str | None,
    amount: int,
    currency: str,
    paid_at: datetime,
    payment_reference: str,
) -> Message:
    """The receipt: to the buyer of a course, to the coach for its subscription."""
    email, name = _payer(kind=kind, coach_id=coach_id, client_email=client_email, client_name=client_name)
    return message_queue(
        key=defaults.PAYMENT_RECEIPT,
        to_email=email,
        to_name=name,
        coach_id=coach_id,
        client_id=None if kind == SUBSCRIPTION else client_id,
        context={
            "name": name,
            "amount": money(amount, currency),
            "paid_at": moment_text(paid_at),
            "kind": kind,
            "payment_reference": payment_reference,
        },
        trigger_event_id=event_id,
        trigger_event_type="billing.payment.completed",
        sender_coach_id=None if kind == SUBSCRIPTION else coach_id,
    )


def invoice_email_queue(
    *,
    event_id: UUID,
    coach_id: UUID,
    number: str,
    status: str,
    amount: int,
    currency: str,
    due_at: datetime | None,
    invoice_url: str | None,
    pdf_url: str | None,
) -> Message:
    """A platform invoice, to the coach, with its link."""
    email, name = _coach_address(coach_id)
    return message_queue(
        key=defaults.INVOICE_ISSUED,
        to_email=email,
        to_name=name,
        coach_id=coach_id,
        context={
            "name": name,
            "number": number,
            "amount": money(amount, currency),
            "paid": status == "paid",
            "due_at": moment_text(due_at),
            "invoice_url": invoice_url or "",
            "pdf_url": pdf_url or "",
        },
        trigger_event_id=event_id,
        trigger_event_type="billing.invoice.issued",
    )


def payment_failed_email_queue(
    *,
    event_id: UUID,
    kind: str,
    coach_id: UUID,
    client_id: UUID | None,
    client_email: str | None,
    client_name: str | None,
    amount: int,
    currency: str,
    failure_message: str | None,
    next_attempt_at: datetime | None,
) -> Message:
    """The card problem and what to do: to the payer (the coach for its subscription)."""
    email, name = _payer(kind=kind, coach_id=coach_id, client_email=client_email, client_name=client_name)
    return message_queue(
        key=defaults.PAYMENT_FAILED,
        to_email=email,
        to_name=name,
        coach_id=coach_id,
        client_id=None if kind == SUBSCRIPTION else client_id,
        context={
            "name": name,
            "amount": money(amount, currency),
            "reason": failure_message or "",
            "next_attempt_at": moment_text(next_attempt_at),
        },
        trigger_event_id=event_id,
        trigger_event_type="billing.payment.failed",
        sender_coach_id=None if kind == SUBSCRIPTION else coach_id,
    )
