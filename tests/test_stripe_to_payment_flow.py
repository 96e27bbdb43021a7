"""From Stripe to a paid course, across contexts, over real PostgreSQL and RabbitMQ.

A coach creates a payment link through billing's API (Stripe being a fake at its HTTP boundary);
Stripe then posts a signed ``checkout.session.completed`` for a purchase through that link to
``/integrations/webhooks/stripe``. Integrations verifies and records it and publishes
``integrations.webhook.received``; billing turns it into a transaction and publishes
``billing.payment.completed``, which a consumer in another context receives with everything it
needs to enroll the buyer.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from contexts.billing.tests.fake_stripe import API_KEY, FakeStripe
from nlc.clients import client_id_for
from nlc.events.envelope import Event
from nlc.events.registry import handles, register, unregister

WEBHOOK_SECRET = "whsec_test_FAKE_acceptance_only_do_not_use"
CHECKOUT_BODY = (
    Path(__file__).resolve().parent.parent / "contexts/billing/tests/fixtures/stripe/checkout.session.completed.json"
).read_bytes()
received: list[dict] = []


@handles("billing.payment.completed", context="notifications")
def record_payment(event: Event) -> None:
    """The test consumer: what an enrolling context would get."""
    received.append({"eventId": str(event.event_id), "traceId": event.trace_id, "payload": event.payload})


# Registered only while a test asks for it (the fixture below), not for every test of the process.
unregister(record_payment.handler_spec)


@pytest.fixture
def payment_consumer():
    received.clear()
    register(record_payment.handler_spec)
    yield received
    unregister(record_payment.handler_spec)


@pytest.fixture
def stripe_api(settings):
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = API_KEY, fake.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_WEBHOOK_SECRET = [WEBHOOK_SECRET]
    yield fake
    fake.stop()


def stripe_signature(body: bytes, secret: str) -> str:
    """Stripe's scheme: t=<unix>,v1=hex(HMAC-SHA256(secret, f"{t}.{body}"))."""
    t = int(time.time())
    return f"t={t},v1={hmac.new(secret.encode(), f'{t}.'.encode() + body, hashlib.sha256).hexdigest()}"


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_signed_stripe_checkout_ends_as_a_consumed_payment_completed(
    payment_consumer, stripe_api, event_bus, principal_client, api_client
):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    # given a coach's payment link for a course, created through billing's API
    coach_id, course_id = uuid.uuid4(), uuid.uuid4()
    coach = principal_client(role="coach", coach_id=coach_id, email="coach@example.com")
    created = coach.post(
        "/billing/payment-links",
        {"courseId": str(course_id), "name": "Strength 101", "amount": 4900, "currency": "usd"},
    )
    assert created.status_code == 201, created.content
    link = created.json()
    event_bus.wait_for("billing.payment_link.created", paymentLinkId=link["id"])
    # and Stripe's checkout.session.completed for a purchase through it, as Stripe signs it
    body = CHECKOUT_BODY.replace(b'"plink_NLCtestPayLink0001"', f'"{link["externalPaymentLinkId"]}"'.encode())
    assert body != CHECKOUT_BODY
    assert (payment_consumer, coach.get("/billing/transactions").json()["results"]) == ([], [])

    # when Stripe posts it to the integrations endpoint
    response = api_client.post(
        "/integrations/webhooks/stripe",
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(body, WEBHOOK_SECRET),
        HTTP_TRACEPARENT="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )
    event_bus.settle()

    # then integrations stored it (202, not a duplicate)
    assert response.status_code == 202, response.content
    assert response.json() == {
        "webhookEventId": response.json()["webhookEventId"],
        "status": "received",
        "duplicate": False,
    }

    # and the test consumer received billing.payment.completed, once, with the buyer's details
    (delivery,) = payment_consumer
    payload = delivery["payload"]
    transaction_id = payload.pop("transactionId")
    paid_at = payload.pop("paidAt")
    assert payload == {
        "coachId": str(coach_id),
        "planId": None,
        "subscriptionId": None,
        "paymentLinkId": link["id"],
        "courseId": str(course_id),
        "clientId": str(client_id_for(coach_id=coach_id, email="client@example.com")),
        "clientEmail": "client@example.com",
        "clientName": "Test Client",
        "kind": "course_purchase",
        "amount": 4900,
        "currency": "USD",
        "externalPaymentId": "pi_NLCtestPayIntent001",
        "status": "completed",
    }
    assert paid_at == "2026-07-30T10:00:02Z"
    # and the trace of Stripe's request reached it
    assert delivery["traceId"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    # and the coach sees the sale through billing's API
    (sale,) = coach.get("/billing/transactions").json()["results"]
    assert (sale["id"], sale["status"], sale["clientEmail"]) == (transaction_id, "succeeded", "client@example.com")
