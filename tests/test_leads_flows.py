"""Leads over the real bus (PostgreSQL and RabbitMQ), reached only the way production reaches it:

- Calendly's signed invitee.created / invitee.canceled (the documentation's own examples) through
  ``POST /integrations/webhooks/calendly`` -> integrations.webhook.received -> leads: the booking is
  made, then cancelled, and the lead is booked;
- a landing-form lead buys a course through Stripe -> integrations -> billing -> leads: the lead
  becomes a client, converted once (leads.converted), even when Stripe posts the webhook twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path

import pytest

from nlc.clients import client_id_for

FIXTURES = Path(__file__).resolve().parent.parent / "contexts" / "leads" / "tests" / "fixtures"
CALENDLY_KEY = "FAKE_calendly_webhook_signing_key_acceptance_only"
CALENDLY_USER = "https://api.calendly.com/users/AAAAAAAAAAAAAAAA"
STRIPE_SECRET = "whsec_test_leads_flows_only"


def _signed(secret: str, body: bytes) -> str:
    timestamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_calendly_books_then_cancels_over_the_bus(settings, event_bus, principal_client, api_client):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    settings.CALENDLY_WEBHOOK_SIGNING_KEY = [CALENDLY_KEY]
    # given a coach who connected its Calendly user
    coach_id = uuid.uuid4()
    coach = principal_client(role="coach", user_id=coach_id, email="coach@example.com")
    assert coach.put("/leads/calendly", {"userUri": CALENDLY_USER}, format="json").status_code == 200

    def post(name: str):
        body = (FIXTURES / f"{name}.json").read_bytes()  # the exact bytes, signed as Calendly signs
        response = api_client.post(
            "/integrations/webhooks/calendly",
            body,
            content_type="application/json",
            HTTP_CALENDLY_WEBHOOK_SIGNATURE=_signed(CALENDLY_KEY, body),
        )
        event_bus.settle()
        return response

    # when Calendly posts invitee.created
    created = post("invitee.created")
    # then the coach has the invitee as a booked lead, and the booking
    assert created.status_code == 202, created.content
    (lead,) = coach.get("/leads/leads").json()["results"]
    assert (lead["email"], lead["name"], lead["source"], lead["status"]) == (
        "test@example.com",
        "John Doe",
        "calendly",
        "booked",
    )
    (booking,) = coach.get("/leads/bookings").json()["results"]
    assert (booking["eventName"], booking["startAt"], booking["status"]) == (
        "30 Minute Coaching Call",
        "2020-11-30T15:00:00Z",
        "active",
    )
    (announced,) = event_bus.events("leads.lead.created")
    assert announced["payload"]["source"] == "calendly"
    assert event_bus.events("leads.status.changed")[0]["payload"]["toStatus"] == "booked"

    # when the invitee cancels
    canceled = post("invitee.canceled")
    # then the booking is cancelled with Calendly's reason, on the same lead
    assert canceled.status_code == 202, canceled.content
    (booking,) = coach.get("/leads/bookings").json()["results"]
    assert (booking["status"], booking["cancelReason"]) == ("canceled", "Meeting Conflict")
    assert coach.get("/leads/leads").json()["count"] == 1
    timeline = coach.get(f"/leads/people/{lead['clientId']}/timeline").json()["results"]
    assert [entry["kind"] for entry in timeline] == ["booking_made", "status_changed", "booking_canceled"]


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_forged_or_stale_calendly_posts_never_reach_leads(settings, event_bus, principal_client, api_client):
    settings.CALENDLY_WEBHOOK_SIGNING_KEY = [CALENDLY_KEY]
    coach = principal_client(role="coach", user_id=uuid.uuid4(), email="coach@example.com")
    assert coach.put("/leads/calendly", {"userUri": CALENDLY_USER}, format="json").status_code == 200
    body = (FIXTURES / "invitee.created.json").read_bytes()
    stale = int(time.time()) - 600
    stale_digest = hmac.new(CALENDLY_KEY.encode(), f"{stale}.".encode() + body, hashlib.sha256).hexdigest()
    for signature in (_signed("not-the-key", body), f"t={stale},v1={stale_digest}"):
        # when a forged, then a stale, post arrives
        response = api_client.post(
            "/integrations/webhooks/calendly",
            body,
            content_type="application/json",
            HTTP_CALENDLY_WEBHOOK_SIGNATURE=signature,
        )
        event_bus.settle()
        # then integrations refuses it, and leads never hears of it
        assert 400 <= response.status_code < 500, response.content
    assert coach.get("/leads/leads").json()["count"] == 0
    assert coach.get("/leads/bookings").json()["count"] == 0
    assert event_bus.events("integrations.webhook.received") == []


def _checkout_body(*, coach_id: uuid.UUID, course_id: str) -> bytes:
    """Stripe's checkout.session.completed of a purchase through a course's payment link (fields no
    context reads left out), with the metadata billing puts on the link."""
    event = {
        "id": "evt_1NLCtestLeadsCheckout01",
        "object": "event",
        "api_version": "2026-07-29.dahlia",
        "created": 1785405602,
        "data": {
            "object": {
                "id": "cs_test_a1NLCtestLeadsCheckout000000000000000000000000000000001",
                "object": "checkout.session",
                "amount_subtotal": 4900,
                "amount_total": 4900,
                "created": 1785405480,
                "currency": "usd",
                "customer": "cus_NLCtestLeads0001",
                "customer_details": {"email": "ann@example.com", "name": "Ann Lee", "phone": None},
                "customer_email": None,
                "livemode": False,
                "metadata": {"coachId": str(coach_id), "courseId": course_id, "paymentLinkId": str(uuid.uuid4())},
                "mode": "payment",
                "payment_intent": "pi_NLCtestLeads001",
                "payment_link": "plink_NLCtestLeads0001",
                "payment_status": "paid",
                "status": "complete",
                "subscription": None,
            }
        },
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "checkout.session.completed",
    }
    return json.dumps(event, indent=2).encode()


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_course_purchase_converts_the_landing_lead_once(settings, event_bus, principal_client, api_client):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    settings.STRIPE_WEBHOOK_SECRET = [STRIPE_SECRET]
    # given a coach's landing form and published course
    coach_id = uuid.uuid4()
    coach = principal_client(role="coach", user_id=coach_id, email="coach@example.com")
    form = coach.post("/leads/forms", {"name": "Spring"}, format="json").json()
    course = coach.post("/courses/courses", {"title": "Strength 101"}).json()
    module = coach.post(f"/courses/courses/{course['id']}/modules", {"title": "Week 1"}).json()
    coach.post(f"/courses/modules/{module['id']}/lessons", {"title": "Warm-up", "kind": "text"})
    assert coach.post(f"/courses/courses/{course['id']}/publish").status_code == 200
    # and a person who came through the form
    intake = api_client.post(f"/leads/intake/{form['key']}", {"email": "Ann@Example.com", "name": "Ann"}, format="json")
    assert intake.status_code == 202
    event_bus.settle()
    body = _checkout_body(coach_id=coach_id, course_id=course["id"])

    # when Stripe posts the purchase, twice
    for _ in range(2):
        response = api_client.post(
            "/integrations/webhooks/stripe",
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=_signed(STRIPE_SECRET, body),
        )
        assert response.status_code in (200, 202), response.content
        event_bus.settle()

    # then the lead is a client, converted once, with the purchase's total and the enrollment
    (payment,) = event_bus.events("billing.payment.completed")
    (converted,) = event_bus.events("leads.converted")
    person = client_id_for(coach_id=coach_id, email="ann@example.com")
    assert {key: converted["payload"][key] for key in ("clientId", "via", "transactionId", "courseId")} == {
        "clientId": str(person),
        "via": "purchase",
        "transactionId": payment["payload"]["transactionId"],
        "courseId": course["id"],
    }
    (lead,) = coach.get("/leads/leads").json()["results"]
    assert lead["status"] == "client"
    (client,) = coach.get("/leads/clients").json()["results"]
    assert (client["clientId"], client["totalPaid"], client["currency"], client["leadId"]) == (
        str(person),
        4900,
        "USD",
        lead["id"],
    )
    detail = coach.get(f"/leads/clients/{client['id']}").json()
    assert [(row["courseId"], row["courseTitle"]) for row in detail["enrollments"]] == [(course["id"], "Strength 101")]
    # and its timeline holds every touch (in the order of their moments: Stripe's is the checkout's)
    timeline = coach.get(f"/leads/people/{person}/timeline").json()["results"]
    assert sorted(entry["kind"] for entry in timeline) == [
        "enrolled",
        "form_submitted",
        "payment_completed",
        "status_changed",
    ]
    moments = [entry["occurredAt"] for entry in timeline]
    assert moments == sorted(moments)
