"""Transactional mail from other contexts' events: each event makes exactly one message to the right
address with the right link, also when it is delivered twice; nobody to write to, or no template, is
a dead letter with its reason and no message."""

from __future__ import annotations

import uuid

import pytest

from contexts.comms import defaults
from contexts.comms.models import CoachContact, Message
from nlc.clients import client_id_for
from nlc.events import DeadLetterError
from nlc.events.contracts import registry
from nlc.events.registry import handlers_for

pytestmark = pytest.mark.django_db(databases="__all__")
ACCESS_URL = "https://learn.nextlevelcoach.ai/access/eyJ0b2tlbiI6InNlY3JldCJ9"


def _deliver_twice(envelope, deliver_event, event_type: str, payload: dict) -> Message:
    """Deliver the event twice (a redelivery); the one message it made."""
    event = envelope(event_type, payload)
    assert deliver_event("comms", event) == len(handlers_for("comms", event_type))
    assert deliver_event("comms", event) == 0
    (message,) = Message.objects.all()
    assert message.trigger_event_id == uuid.UUID(event["eventId"])
    assert message.trigger_event_type == event_type
    return message


def _coach_created(envelope, deliver_event, coach_id, *, role: str = "coach") -> dict:
    event = envelope(
        "auth.user.created",
        {
            "userId": str(coach_id),
            "email": "cory@example.com",
            "firstName": "Cory",
            "lastName": "Coach",
            "role": role,
            "coachId": str(coach_id) if role == "coach" else None,
            "createdAt": "2026-12-01T09:00:00Z",
            "signupMethod": "password",
        },
    )
    deliver_event("comms", event)
    return event


def test_a_password_reset_sends_the_link(envelope, deliver_event, send_tasks):
    message = _deliver_twice(
        envelope,
        deliver_event,
        "auth.password.reset_requested",
        {
            "userId": str(uuid.uuid4()),
            "email": "ada@example.com",
            "firstName": "Ada",
            "resetUrl": "https://app.nextlevelcoach.ai/reset?token=t0k3n",
            "expiresAt": "2026-12-01T11:30:00Z",
            "requestedAt": "2026-12-01T10:30:00Z",
        },
    )
    assert (message.recipient_email, message.recipient_name, message.template_key) == (
        "ada@example.com",
        "Ada",
        "password_reset",
    )
    assert "Choose a new password here: https://app.nextlevelcoach.ai/reset?token=t0k3n\n" in message.text_body
    assert message.secrets == ["https://app.nextlevelcoach.ai/reset?token=t0k3n"]
    assert send_tasks.message_ids() == [str(message.id)]


def test_a_new_coach_is_welcomed_and_its_address_kept(envelope, deliver_event, coach_id):
    # when a coach account is created (delivered twice)
    event = _coach_created(envelope, deliver_event, coach_id)
    assert deliver_event("comms", event) == 0
    # then one welcome e-mail went to the coach, and comms knows the coach's address
    (message,) = Message.objects.all()
    assert (message.recipient_email, message.template_key, message.coach_id) == (
        "cory@example.com",
        "welcome",
        coach_id,
    )
    assert message.subject == "Welcome to NextLevelCoach, Cory"
    contact = CoachContact.objects.get()
    assert (contact.coach_id, contact.email, contact.first_name) == (coach_id, "cory@example.com", "Cory")


def test_an_admin_account_gets_no_welcome(envelope, deliver_event):
    _coach_created(envelope, deliver_event, uuid.uuid4(), role="admin")
    assert Message.objects.count() == 0
    assert CoachContact.objects.count() == 0


def _enrollment(coach_id, **overrides) -> dict:
    return {
        "enrollmentId": str(uuid.uuid4()),
        "courseId": str(uuid.uuid4()),
        "clientId": str(client_id_for(coach_id=coach_id, email="casey@example.com")),
        "coachId": str(coach_id),
        "courseTitle": "Strength 101",
        "clientEmail": "casey@example.com",
        "clientName": "Casey Client",
        "source": "purchase",
        "accessUrl": ACCESS_URL,
        "transactionId": str(uuid.uuid4()),
        "enrolledAt": "2026-12-01T10:00:00Z",
        **overrides,
    }


def test_an_enrollment_sends_the_learner_its_access_link(envelope, deliver_event, coach_id):
    message = _deliver_twice(envelope, deliver_event, "courses.enrollment.created", _enrollment(coach_id))
    assert (message.recipient_email, message.recipient_name, message.coach_id) == (
        "casey@example.com",
        "Casey Client",
        coach_id,
    )
    assert message.client_id == client_id_for(coach_id=coach_id, email="casey@example.com")
    assert message.subject == "Your access to Strength 101"
    assert f"Start here: {ACCESS_URL}\n" in message.text_body
    assert f'<a href="{ACCESS_URL}">Start the course</a>' in message.html_body
    assert message.secrets == [ACCESS_URL]


def test_an_enrollment_without_an_access_link_says_so(envelope, deliver_event, coach_id):
    message = _deliver_twice(
        envelope,
        deliver_event,
        "courses.enrollment.created",
        _enrollment(coach_id, accessUrl=None, source="manual", transactionId=None),
    )
    assert "Your coach will send you the way in." in message.text_body
    assert message.secrets == []


def test_a_completed_course_is_congratulated(envelope, deliver_event, coach_id):
    payload = {
        key: value
        for key, value in _enrollment(coach_id).items()
        if key not in ("source", "accessUrl", "transactionId")
    }
    message = _deliver_twice(
        envelope, deliver_event, "courses.enrollment.completed", {**payload, "completedAt": "2026-12-20T10:00:00Z"}
    )
    assert (message.recipient_email, message.template_key) == ("casey@example.com", "enrollment_completed")
    assert message.subject == "Congratulations on completing Strength 101"


def _only_status(event_type: str) -> str:
    """The one status the contract allows (comms does not read it; the test need not know it)."""
    (status,) = registry().get(event_type).schema["properties"]["status"]["enum"]
    return status


def _payment(coach_id, *, kind: str, **overrides) -> dict:
    purchase = kind == "course_purchase"
    return {
        "transactionId": str(uuid.uuid4()),
        "coachId": str(coach_id),
        "planId": None if purchase else str(uuid.uuid4()),
        "subscriptionId": None if purchase else str(uuid.uuid4()),
        "paymentLinkId": str(uuid.uuid4()) if purchase else None,
        "courseId": str(uuid.uuid4()) if purchase else None,
        "clientId": str(client_id_for(coach_id=coach_id, email="casey@example.com")) if purchase else None,
        "clientEmail": "casey@example.com" if purchase else None,
        "clientName": "Casey Client" if purchase else None,
        "kind": kind,
        "amount": 4900,
        "currency": "USD",
        "externalPaymentId": "pi_NLCtestPayIntent001",
        "status": _only_status("billing.payment.completed"),
        "paidAt": "2026-12-01T10:00:02Z",
        **overrides,
    }


def test_a_course_purchase_sends_the_buyer_a_receipt(envelope, deliver_event, coach_id):
    message = _deliver_twice(
        envelope, deliver_event, "billing.payment.completed", _payment(coach_id, kind="course_purchase")
    )
    assert (message.recipient_email, message.template_key, message.coach_id) == (
        "casey@example.com",
        "payment_receipt",
        coach_id,
    )
    assert message.subject == "Your receipt: 49.00 USD"
    assert "We received your payment of 49.00 USD on 2026-12-01 10:00 UTC.\n" in message.text_body
    assert "Payment reference: pi_NLCtestPayIntent001" in message.text_body


def test_a_subscription_payment_sends_the_coach_a_receipt(envelope, deliver_event, coach_id):
    # given comms knows the coach's address
    _coach_created(envelope, deliver_event, coach_id)
    Message.objects.all().delete()
    # when the coach's subscription is paid (delivered twice)
    message = _deliver_twice(
        envelope, deliver_event, "billing.payment.completed", _payment(coach_id, kind="subscription", amount=2900)
    )
    # then the receipt went to the coach
    assert (message.recipient_email, message.client_id) == ("cory@example.com", None)
    assert "We received your payment of 29.00 USD on 2026-12-01 10:00 UTC for your NextLevelCoach subscription.\n" in (
        message.text_body
    )


def test_a_subscription_receipt_for_an_unknown_coach_is_a_dead_letter(envelope, deliver_event, coach_id):
    # given comms never saw the coach's auth.user.created
    event = envelope("billing.payment.completed", _payment(coach_id, kind="subscription"))
    # when the payment arrives, it is dead-lettered with the reason
    with pytest.raises(DeadLetterError, match=f"no address of coach {coach_id}"):
        deliver_event("comms", event)
    # and nothing was made
    assert Message.objects.count() == 0


def _invoice(coach_id, **overrides) -> dict:
    return {
        "invoiceId": str(uuid.uuid4()),
        "number": "NLC-0042",
        "coachId": str(coach_id),
        "subscriptionId": str(uuid.uuid4()),
        "status": "open",
        "amount": 2900,
        "currency": "EUR",
        "periodStart": "2026-12-01T00:00:00Z",
        "periodEnd": "2027-01-01T00:00:00Z",
        "dueAt": "2026-12-15T00:00:00Z",
        "hostedInvoiceUrl": "https://invoice.stripe.com/i/acct_1/test_NLC42",
        "pdfUrl": "https://pay.stripe.com/invoice/acct_1/test_NLC42/pdf",
        "externalInvoiceId": "in_NLC42",
        "issuedAt": "2026-12-01T00:00:05Z",
        **overrides,
    }


def test_an_invoice_goes_to_the_coach_with_its_link(envelope, deliver_event, coach_id):
    _coach_created(envelope, deliver_event, coach_id)
    Message.objects.all().delete()
    message = _deliver_twice(envelope, deliver_event, "billing.invoice.issued", _invoice(coach_id))
    assert (message.recipient_email, message.template_key) == ("cory@example.com", "invoice_issued")
    assert message.subject == "Invoice NLC-0042: 29.00 EUR"
    assert message.text_body == (
        "Hi Cory,\n\nInvoice NLC-0042 for 29.00 EUR is due by 2026-12-15 00:00 UTC.\n"
        "View it: https://invoice.stripe.com/i/acct_1/test_NLC42\n"
        "PDF: https://pay.stripe.com/invoice/acct_1/test_NLC42/pdf\n"
    )


def test_an_invoice_for_an_unknown_coach_is_a_dead_letter(envelope, deliver_event, coach_id):
    with pytest.raises(DeadLetterError, match="no address of coach"):
        deliver_event("comms", envelope("billing.invoice.issued", _invoice(coach_id)))
    assert Message.objects.count() == 0


def _failed_payment(coach_id, *, kind: str, **overrides) -> dict:
    payment = _payment(coach_id, kind=kind)
    for name in ("status", "paidAt"):
        payment.pop(name)
    return {
        **payment,
        "failureCode": "card_declined",
        "failureMessage": "Your card was declined.",
        "attemptCount": 1,
        "nextAttemptAt": "2026-12-04T10:00:00Z",
        "failedAt": "2026-12-01T10:00:00Z",
        **overrides,
    }


def test_a_failed_subscription_payment_tells_the_coach_what_to_do(envelope, deliver_event, coach_id):
    _coach_created(envelope, deliver_event, coach_id)
    Message.objects.all().delete()
    message = _deliver_twice(
        envelope, deliver_event, "billing.payment.failed", _failed_payment(coach_id, kind="subscription")
    )
    assert (message.recipient_email, message.template_key) == ("cory@example.com", "payment_failed")
    assert message.text_body == (
        "Hi Cory,\n\nYour payment of 49.00 USD did not go through. Your card was declined.\n"
        "We will try again on 2026-12-04 10:00 UTC: please update your card before then.\n"
    )


def test_a_failed_course_payment_goes_to_the_buyer(envelope, deliver_event, coach_id):
    message = _deliver_twice(
        envelope,
        deliver_event,
        "billing.payment.failed",
        _failed_payment(coach_id, kind="course_purchase", nextAttemptAt=None),
    )
    assert message.recipient_email == "casey@example.com"
    assert "Please update your card or use another one, then pay again." in message.text_body


def test_a_payment_naming_no_payer_is_a_dead_letter(envelope, deliver_event, coach_id):
    payload = _failed_payment(coach_id, kind="other", clientEmail=None, clientId=None, clientName=None)
    with pytest.raises(DeadLetterError, match="names no client e-mail"):
        deliver_event("comms", envelope("billing.payment.failed", payload))
    assert Message.objects.count() == 0


def test_a_missing_template_is_a_dead_letter(envelope, deliver_event, coach_id, monkeypatch, caplog):
    # given the platform has no template for the access link
    monkeypatch.delitem(defaults.BUILTIN, defaults.ENROLLMENT_ACCESS)
    event = envelope("courses.enrollment.created", _enrollment(coach_id))
    # when the enrollment arrives, it is dead-lettered with the reason, and logged
    with pytest.raises(DeadLetterError, match="no template 'enrollment_access'"):
        deliver_event("comms", event)
    assert Message.objects.count() == 0
    assert [record.message for record in caplog.records if record.levelname == "ERROR"] == ["e-mail cannot be made"]


def test_a_template_that_fails_to_render_is_a_dead_letter(envelope, deliver_event, coach_id, monkeypatch):
    broken = defaults.BuiltinTemplate(
        key=defaults.ENROLLMENT_ACCESS, category="transactional", subject="{{ course_title|no_such_filter }}",
        text_body="x", html_body="",
    )  # fmt: skip
    monkeypatch.setitem(defaults.BUILTIN, defaults.ENROLLMENT_ACCESS, broken)
    with pytest.raises(DeadLetterError, match="The subject cannot be rendered"):
        deliver_event("comms", envelope("courses.enrollment.created", _enrollment(coach_id)))
    assert Message.objects.count() == 0
