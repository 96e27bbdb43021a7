"""Payment links through the API: a coach sells a course; Stripe gets a price and a payment link
whose metadata names the coach, the course and the link; billing.payment_link.created is published."""

import uuid

import pytest
import time_machine
from django.utils import timezone

from contexts.billing.models import PaymentLink
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["billing"])

COURSE_ID = uuid.UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")


def create(client, **overrides):
    body = {"courseId": str(COURSE_ID), "name": "Strength 101", "amount": 4900, "currency": "usd", **overrides}
    return client.post("/billing/payment-links", body)


def test_a_coach_creates_a_payment_link_for_a_course(coach_client, fake_stripe):
    moment = timezone.now().replace(microsecond=0)
    # when the coach creates a link
    with time_machine.travel(moment, tick=False):
        response = create(coach_client)
    # then it answers with the link to share
    assert response.status_code == 201, response.json()
    link = PaymentLink.objects.get()
    assert response.json() == {
        "id": str(link.id),
        "coachId": str(COACH_ID),
        "courseId": str(COURSE_ID),
        "name": "Strength 101",
        "amount": 4900,
        "currency": "USD",
        "url": f"https://buy.stripe.com/test_{link.stripe_payment_link_id}",
        "active": True,
        "deactivatedAt": None,
        "externalPaymentLinkId": link.stripe_payment_link_id,
        "createdAt": moment.isoformat().replace("+00:00", "Z"),
    }
    # and Stripe made a one-off price and a link, both naming coach, course and link
    ours = {"coachId": str(COACH_ID), "courseId": str(COURSE_ID), "paymentLinkId": str(link.id)}
    price_call, link_call = fake_stripe.calls("POST")
    assert price_call.params == {
        "unit_amount": "4900",
        "currency": "usd",
        "metadata": ours,
        "product_data": {"name": "Strength 101", "metadata": ours},
    }
    assert link_call.params == {
        "line_items": [{"price": link.stripe_price_id, "quantity": "1"}],
        "metadata": ours,
        "payment_intent_data": {"metadata": ours},
    }
    assert [call.headers["idempotency-key"] for call in (price_call, link_call)] == [
        f"nlc-payment-link-{link.id}-price",
        f"nlc-payment-link-{link.id}",
    ]
    # and billing.payment_link.created went out with the contract's fields
    (event,) = published_events(context="billing", event_type="billing.payment_link.created")
    assert event["payload"] == {
        "paymentLinkId": str(link.id),
        "coachId": str(COACH_ID),
        "courseId": str(COURSE_ID),
        "name": "Strength 101",
        "amount": 4900,
        "currency": "USD",
        "url": link.url,
        "externalPaymentLinkId": link.stripe_payment_link_id,
        "createdAt": moment.isoformat().replace("+00:00", "Z"),
    }


def test_a_coach_deactivates_its_link_once(coach_client, fake_stripe):
    link_id = create(coach_client).json()["id"]
    response = coach_client.post(f"/billing/payment-links/{link_id}/deactivate")
    assert response.status_code == 200
    assert (response.json()["active"], response.json()["deactivatedAt"] is not None) == (False, True)
    link = PaymentLink.objects.get()
    assert fake_stripe.objects[link.stripe_payment_link_id]["active"] is False
    # asking again changes nothing
    assert coach_client.post(f"/billing/payment-links/{link_id}/deactivate").json()["active"] is False
    assert len(fake_stripe.calls("POST", r"/v1/payment_links/.+")) == 1
    assert [link["id"] for link in coach_client.get("/billing/payment-links?active=false").json()["results"]] == [
        link_id
    ]
    assert coach_client.get("/billing/payment-links?active=true").json()["results"] == []


def test_bad_input_creates_nothing(coach_client, fake_stripe):
    response = create(coach_client, courseId="not-a-uuid", amount=-5, currency="dollars", name="")
    assert response.status_code == 400
    assert set(response.json()["fieldErrors"]) == {"courseId", "amount", "currency", "name"}
    assert fake_stripe.requests == []
    assert PaymentLink.objects.count() == 0
    assert published_events(context="billing") == []


def test_admins_do_not_create_links(admin_client, fake_stripe):
    assert create(admin_client).status_code == 403
    assert fake_stripe.requests == []
