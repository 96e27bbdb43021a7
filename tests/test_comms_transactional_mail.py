"""Every transactional e-mail, over real PostgreSQL and RabbitMQ: auth, courses and billing publish
their events as they do in production (outbox, relay, broker), comms' consumer makes one message per
event, and its send task hands each to Mailgun (a fake at its HTTP boundary) exactly once, also when
RabbitMQ delivers every event a second time.
"""

from __future__ import annotations

import uuid

import pytest

from contexts.comms.services import sending
from contexts.comms.tests.fake_mailgun import API_KEY, DOMAIN, FakeMailgun
from nlc.clients import client_id_for
from nlc.db.transactions import atomic
from nlc.events import publish, topology
from nlc.events.broker import ConfirmingPublisher, json_body, message_properties
from nlc.events.contracts import registry

RESET_URL = "https://app.nextlevelcoach.ai/reset?uid=NLC&token=single-use-secret"
ACCESS_URL = "https://learn.nextlevelcoach.ai/access/eyJlbnJvbGxtZW50Ijoic2VjcmV0In0"


class SendTasks:
    """Celery's broker for comms' send task: records, and runs the sends as a comms worker does."""

    def __init__(self):
        self.message_ids: list[str] = []

    def send_task(self, name, **options):
        assert name == "comms.message_send"
        self.message_ids.append(options["args"][0])

    def run(self) -> list[str]:
        pending, self.message_ids = self.message_ids, []
        return [sending.message_deliver(message_id=message_id) for message_id in pending]


@pytest.fixture
def mailgun(settings, monkeypatch):
    fake = FakeMailgun().start()
    settings.COMMS_EMAIL_PROVIDER = "mailgun"
    settings.MAILGUN_API_KEY, settings.MAILGUN_DOMAIN, settings.MAILGUN_API_BASE = API_KEY, DOMAIN, fake.url
    settings.COMMS_FROM_EMAIL = f"no-reply@{DOMAIN}"
    settings.COMMS_REDACT_SECRETS = True
    tasks = SendTasks()
    monkeypatch.setattr(sending, "current_app", tasks)
    yield fake, tasks
    fake.stop()


def _status(event_type: str) -> str:
    (status,) = registry().get(event_type).schema["properties"]["status"]["enum"]
    return status


def _events(coach_id: uuid.UUID) -> list[tuple[str, str, dict]]:
    """(producer, type, payload) of every event that asks comms for an e-mail."""
    client_id = str(client_id_for(coach_id=coach_id, email="casey@example.com"))
    course_id, transaction_id = str(uuid.uuid4()), str(uuid.uuid4())
    enrollment = {
        "enrollmentId": str(uuid.uuid4()),
        "courseId": course_id,
        "clientId": client_id,
        "coachId": str(coach_id),
        "courseTitle": "Strength 101",
        "clientEmail": "casey@example.com",
        "clientName": "Casey Client",
        "enrolledAt": "2026-12-01T10:00:03Z",
    }
    payment = {
        "coachId": str(coach_id),
        "planId": None,
        "subscriptionId": None,
        "paymentLinkId": str(uuid.uuid4()),
        "courseId": course_id,
        "clientId": client_id,
        "clientEmail": "casey@example.com",
        "clientName": "Casey Client",
        "kind": "course_purchase",
        "amount": 4900,
        "currency": "USD",
    }
    subscription = {
        **payment,
        "planId": str(uuid.uuid4()),
        "subscriptionId": str(uuid.uuid4()),
        "paymentLinkId": None,
        "courseId": None,
        "clientId": None,
        "clientEmail": None,
        "clientName": None,
        "kind": "subscription",
        "amount": 2900,
    }
    return [
        (
            "auth",
            "auth.user.created",
            {
                "userId": str(coach_id),
                "email": "cory@example.com",
                "firstName": "Cory",
                "lastName": "Coach",
                "role": "coach",
                "coachId": str(coach_id),
                "createdAt": "2026-12-01T09:00:00Z",
                "signupMethod": "password",
            },
        ),
        (
            "auth",
            "auth.password.reset_requested",
            {
                "userId": str(coach_id),
                "email": "cory@example.com",
                "firstName": "Cory",
                "resetUrl": RESET_URL,
                "expiresAt": "2026-12-01T11:30:00Z",
                "requestedAt": "2026-12-01T10:30:00Z",
            },
        ),
        (
            "billing",
            "billing.payment.completed",
            {
                **payment,
                "transactionId": transaction_id,
                "externalPaymentId": "pi_NLCtestPayIntent001",
                "status": _status("billing.payment.completed"),
                "paidAt": "2026-12-01T10:00:02Z",
            },
        ),
        (
            "courses",
            "courses.enrollment.created",
            {**enrollment, "source": "purchase", "accessUrl": ACCESS_URL, "transactionId": transaction_id},
        ),
        ("courses", "courses.enrollment.completed", {**enrollment, "completedAt": "2026-12-20T10:00:00Z"}),
        (
            "billing",
            "billing.payment.completed",
            {
                **subscription,
                "transactionId": str(uuid.uuid4()),
                "externalPaymentId": "in_NLCsub0001",
                "status": _status("billing.payment.completed"),
                "paidAt": "2026-12-01T00:00:09Z",
            },
        ),
        (
            "billing",
            "billing.invoice.issued",
            {
                "invoiceId": str(uuid.uuid4()),
                "number": "NLC-0042",
                "coachId": str(coach_id),
                "subscriptionId": subscription["subscriptionId"],
                "status": "paid",
                "amount": 2900,
                "currency": "USD",
                "periodStart": "2026-12-01T00:00:00Z",
                "periodEnd": "2027-01-01T00:00:00Z",
                "dueAt": None,
                "hostedInvoiceUrl": "https://invoice.stripe.com/i/acct_1/test_NLC42",
                "pdfUrl": None,
                "externalInvoiceId": "in_NLCsub0001",
                "issuedAt": "2026-12-01T00:00:05Z",
            },
        ),
        (
            "billing",
            "billing.payment.failed",
            {
                **subscription,
                "transactionId": str(uuid.uuid4()),
                "externalPaymentId": None,
                "failureCode": "card_declined",
                "failureMessage": "Your card was declined.",
                "attemptCount": 1,
                "nextAttemptAt": "2027-01-04T00:00:00Z",
                "failedAt": "2027-01-01T00:00:09Z",
            },
        ),
    ]


def _redeliver_to_comms(envelopes: list[dict]) -> None:
    """What RabbitMQ does when a consumer dies before its ack: the same messages, once more."""
    publisher = ConfirmingPublisher()
    try:
        publisher.send_confirmed(
            "",
            [
                (topology.context_queue("comms"), json_body(envelope), message_properties(envelope))
                for envelope in envelopes
            ],
        )
    finally:
        publisher.close()


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_every_event_sends_exactly_one_email_to_the_right_address(settings, mailgun, event_bus):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    fake, send_tasks = mailgun
    coach_id = uuid.uuid4()
    # given each producer publishes its event (the coach's sign-up first: comms keeps its address)
    envelopes = []
    for producer, event_type, payload in _events(coach_id):
        with atomic(producer):
            envelopes.append(publish(event_type, payload))
        event_bus.settle()
    # when comms' worker sends what was queued
    assert send_tasks.run() == ["sent"] * 8
    event_bus.settle()
    # then Mailgun got eight e-mails, each once, to the right address, with the right link
    sent = [(request.field("to"), request.field("o:tag")) for request in fake.requests]
    assert sent == [
        ("Cory Coach <cory@example.com>", "welcome"),
        ("Cory <cory@example.com>", "password_reset"),
        ("Casey Client <casey@example.com>", "payment_receipt"),
        ("Casey Client <casey@example.com>", "enrollment_access"),
        ("Casey Client <casey@example.com>", "enrollment_completed"),
        ("Cory <cory@example.com>", "payment_receipt"),
        ("Cory <cory@example.com>", "invoice_issued"),
        ("Cory <cory@example.com>", "payment_failed"),
    ]
    by_tag = {
        request.field("o:tag"): request for request in fake.requests if request.field("o:tag") != "payment_receipt"
    }
    assert f"Choose a new password here: {RESET_URL}\n" in by_tag["password_reset"].field("text")
    assert f"Start here: {ACCESS_URL}\n" in by_tag["enrollment_access"].field("text")
    assert "View it: https://invoice.stripe.com/i/acct_1/test_NLC42\n" in by_tag["invoice_issued"].field("text")
    assert len(event_bus.events("comms.email.sent")) == 8

    # when RabbitMQ delivers every one of those events to comms once more
    _redeliver_to_comms(envelopes)
    event_bus.settle()
    # then nothing more is queued nor sent
    assert send_tasks.run() == []
    event_bus.settle()
    assert len(fake.requests) == 8
    assert len(event_bus.events("comms.email.sent")) == 8
