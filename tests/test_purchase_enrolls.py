"""A paid checkout enrolls the buyer: Stripe -> integrations -> billing -> courses, over real
PostgreSQL and RabbitMQ, exactly once, even when Stripe posts the webhook twice and RabbitMQ
delivers the payment event again.

Every context is reached only the way production reaches it: the coach's course through the courses
API, Stripe's signed ``checkout.session.completed`` (shaped like Stripe's own, with the metadata
billing puts on a course's payment link) through ``POST /integrations/webhooks/stripe``, and the rest
through the bus.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

import pytest

from nlc.clients import client_id_for
from nlc.events import topology
from nlc.events.broker import ConfirmingPublisher, json_body, message_properties

WEBHOOK_SECRET = "whsec_test_purchase_enrolls_only"
# Stripe's checkout.session.completed (API version 2026-07-29.dahlia) for a payment-mode checkout,
# as in Stripe's documentation; fields no context reads are left out.
CHECKOUT_SESSION_COMPLETED = {
    "id": "evt_1NLCtestCheckoutCompleted01",
    "object": "event",
    "api_version": "2026-07-29.dahlia",
    "created": 1785405602,
    "data": {
        "object": {
            "id": "cs_test_a1NLCtestCheckoutPaymentMode0000000000000000000000000001",
            "object": "checkout.session",
            "amount_subtotal": 4900,
            "amount_total": 4900,
            "created": 1785405480,
            "currency": "usd",
            "customer": "cus_NLCtestClient0001",
            "customer_creation": "always",
            "customer_details": {
                "address": {
                    "city": None,
                    "country": "US",
                    "line1": None,
                    "line2": None,
                    "postal_code": "94102",
                    "state": None,
                },
                "email": "client@example.com",
                "name": "Test Client",
                "phone": None,
                "tax_exempt": "none",
                "tax_ids": [],
            },
            "customer_email": None,
            "expires_at": 1785491880,
            "invoice": None,
            "livemode": False,
            "locale": "auto",
            "metadata": {},
            "mode": "payment",
            "payment_intent": "pi_NLCtestPayIntent001",
            "payment_link": "plink_NLCtestPayLink0001",
            "payment_method_types": ["card"],
            "payment_status": "paid",
            "status": "complete",
            "submit_type": "auto",
            "subscription": None,
            "success_url": "https://example.com/courses/thanks",
            "ui_mode": "hosted",
            "url": None,
        }
    },
    "livemode": False,
    "pending_webhooks": 1,
    "request": {"id": None, "idempotency_key": None},
    "type": "checkout.session.completed",
}


def _checkout_body(*, coach_id: uuid.UUID, course_id: uuid.UUID, payment_link_id: uuid.UUID) -> bytes:
    """The checkout of a purchase through a course's payment link: billing names the coach, the
    course and the link in the metadata of what it creates in Stripe."""
    event = json.loads(json.dumps(CHECKOUT_SESSION_COMPLETED))
    event["data"]["object"]["metadata"] = {
        "coachId": str(coach_id),
        "courseId": str(course_id),
        "paymentLinkId": str(payment_link_id),
    }
    return json.dumps(event, indent=2).encode()


def _stripe_signature(body: bytes) -> str:
    """Stripe's scheme: t=<unix>,v1=hex(HMAC-SHA256(secret, f"{t}.{body}"))."""
    timestamp = int(time.time())
    digest = hmac.new(WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _redeliver_to_courses(envelope: dict) -> None:
    """What RabbitMQ does when a consumer dies before its ack: the same message, once more."""
    publisher = ConfirmingPublisher()
    try:
        publisher.send_confirmed(
            "", [(topology.context_queue("courses"), json_body(envelope), message_properties(envelope))]
        )
    finally:
        publisher.close()


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_signed_checkout_for_a_course_enrolls_the_buyer_exactly_once(
    settings, event_bus, principal_client, api_client
):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    settings.STRIPE_WEBHOOK_SECRET = [WEBHOOK_SECRET]
    # given a coach's published course, made through the courses API
    coach_id = uuid.uuid4()
    coach = principal_client(role="coach", user_id=coach_id, email="coach@example.com")
    course = coach.post("/courses/courses", {"title": "Strength 101"}).json()
    module = coach.post(f"/courses/courses/{course['id']}/modules", {"title": "Week 1"}).json()
    coach.post(f"/courses/modules/{module['id']}/lessons", {"title": "Warm-up", "kind": "text"})
    assert coach.post(f"/courses/courses/{course['id']}/publish").status_code == 200
    # and Stripe's signed checkout.session.completed for a purchase through its payment link
    body = _checkout_body(coach_id=coach_id, course_id=uuid.UUID(course["id"]), payment_link_id=uuid.uuid4())

    assert coach.get(f"/courses/courses/{course['id']}/enrollments").json()["count"] == 0

    # when Stripe posts it, and posts it again (Stripe retries what it thinks failed)
    def post_webhook():
        response = api_client.post(
            "/integrations/webhooks/stripe",
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=_stripe_signature(body),
        )
        event_bus.settle()
        return response

    first = post_webhook()
    again = post_webhook()

    # then integrations stored the first (202) and acknowledged the second as its duplicate (200)
    assert first.status_code == 202, first.content
    webhook_event_id = first.json()["webhookEventId"]
    assert first.json() == {"webhookEventId": webhook_event_id, "status": "received", "duplicate": False}
    assert again.status_code == 200, again.content
    assert again.json() == {"webhookEventId": webhook_event_id, "status": "processed", "duplicate": True}
    # and billing announced the payment once, and courses enrolled the buyer once
    (payment,) = event_bus.events("billing.payment.completed")
    (created,) = event_bus.events("courses.enrollment.created")
    buyer = client_id_for(coach_id=coach_id, email="client@example.com")
    assert {key: created["payload"][key] for key in ("courseId", "coachId", "clientId", "clientEmail", "source")} == {
        "courseId": course["id"],
        "coachId": str(coach_id),
        "clientId": str(buyer),
        "clientEmail": "client@example.com",
        "source": "purchase",
    }
    assert created["payload"]["transactionId"] == payment["payload"]["transactionId"]

    # when RabbitMQ delivers the payment event to courses once more
    _redeliver_to_courses(payment)
    event_bus.settle()

    # then still one enrollment, and the coach sees it, active, with a working access link
    assert event_bus.events("courses.enrollment.created") == [created]
    listed = coach.get(f"/courses/courses/{course['id']}/enrollments").json()
    assert listed["count"] == 1
    (enrollment,) = listed["results"]
    assert (enrollment["clientEmail"], enrollment["clientName"], enrollment["status"]) == (
        "client@example.com",
        "Test Client",
        "active",
    )
    token = created["payload"]["accessUrl"].rsplit("/", 1)[1]
    api_client.credentials(HTTP_AUTHORIZATION=f"AccessLink {token}")
    assert api_client.get("/courses/learn/outline").json()["course"]["title"] == "Strength 101"
