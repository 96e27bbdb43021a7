"""Coach subscriptions through the API: start a Stripe Checkout, read, cancel at period end."""

from datetime import UTC, datetime

import pytest

from contexts.billing.models import StripeCustomer, Subscription
from contexts.billing.tests.factories import PlanFactory, StripeCustomerFactory, SubscriptionFactory
from contexts.billing.tests.stripe_fixtures import stripe_event
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["billing"])


@pytest.fixture
def plan(fake_stripe):
    # a plan whose price exists at the (fake) Stripe
    price = fake_stripe.price_add(unit_amount=2000, currency="usd", interval="month")
    return PlanFactory(stripe_product_id=price["product"], stripe_price_id=price["id"])


def test_a_coach_starts_a_checkout_and_gets_its_url(coach_client, plan, fake_stripe, settings):
    settings.BILLING_CHECKOUT_SUCCESS_URL = "https://coach.example.com/ok?session_id={CHECKOUT_SESSION_ID}"
    settings.BILLING_CHECKOUT_CANCEL_URL = "https://coach.example.com/plans"
    # when the coach subscribes
    response = coach_client.post("/billing/subscriptions", {"planId": str(plan.id)})
    # then a checkout URL comes back, and the subscription waits for Stripe, incomplete
    assert response.status_code == 201, response.json()
    subscription = Subscription.objects.get()
    body = response.json()
    assert (body["id"], body["status"], body["coachId"], body["plan"]["id"]) == (
        str(subscription.id),
        "incomplete",
        str(COACH_ID),
        str(plan.id),
    )
    assert body["checkoutUrl"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    # and Stripe got the coach's new customer and a subscription-mode session naming our ids
    customer_call, session_call = fake_stripe.calls("POST")
    assert customer_call.params == {"email": "cory@example.com", "metadata": {"coachId": str(COACH_ID)}}
    ours = {"coachId": str(COACH_ID), "planId": str(plan.id), "subscriptionId": str(subscription.id)}
    assert session_call.params == {
        "mode": "subscription",
        "customer": StripeCustomer.objects.get().stripe_customer_id,
        "line_items": [{"price": plan.stripe_price_id, "quantity": "1"}],
        "success_url": "https://coach.example.com/ok?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://coach.example.com/plans",
        "client_reference_id": str(subscription.id),
        "metadata": ours,
        "subscription_data": {"metadata": ours},
    }
    assert session_call.headers["idempotency-key"] == f"nlc-subscription-{subscription.id}-checkout"
    (session,) = [
        stripe_object for stripe_object in fake_stripe.objects.values() if stripe_object["object"] == "checkout.session"
    ]
    assert (subscription.stripe_checkout_session_id, subscription.checkout_url) == (session["id"], session["url"])


def test_the_coachs_stripe_customer_is_made_once(coach_client, plan, fake_stripe):
    StripeCustomerFactory(stripe_customer_id="cus_existing")
    coach_client.post("/billing/subscriptions", {"planId": str(plan.id)})
    coach_client.post("/billing/subscriptions", {"planId": str(plan.id)})
    assert fake_stripe.calls("POST", "/v1/customers") == []
    assert {call.params["customer"] for call in fake_stripe.calls("POST", "/v1/checkout/sessions")} == {"cus_existing"}
    assert Subscription.objects.count() == 2


def test_a_coach_with_a_running_subscription_cannot_start_another(coach_client, plan, fake_stripe):
    SubscriptionFactory(plan=plan, status="past_due")
    response = coach_client.post("/billing/subscriptions", {"planId": str(plan.id)})
    assert response.status_code == 409
    assert response.json()["code"] == "subscription_exists"
    assert fake_stripe.requests == []


def test_an_unknown_or_inactive_plan_is_refused(coach_client, plan, fake_stripe):
    response = coach_client.post("/billing/subscriptions", {"planId": "00000000-0000-4000-8000-000000000000"})
    assert (response.status_code, list(response.json()["fieldErrors"])) == (400, ["planId"])
    plan.active = False
    plan.save()
    response = coach_client.post("/billing/subscriptions", {"planId": str(plan.id)})
    assert (response.status_code, response.json()["code"]) == (400, "plan_inactive")
    assert fake_stripe.requests == []
    assert Subscription.objects.count() == 0


def test_admins_do_not_subscribe(admin_client, plan, fake_stripe):
    assert admin_client.post("/billing/subscriptions", {"planId": str(plan.id)}).status_code == 403


def test_a_coach_cancels_at_period_end_and_stripes_answer_is_applied(coach_client, plan, fake_stripe):
    # given a running subscription that Stripe knows
    stripe_subscription = stripe_event("customer.subscription.created")["data"]["object"]
    fake_stripe.subscription_add(stripe_subscription)
    subscription = SubscriptionFactory(
        plan=plan, stripe_subscription_id=stripe_subscription["id"], stripe_state_at=datetime(2026, 7, 30, tzinfo=UTC)
    )
    # when the coach cancels
    response = coach_client.post(f"/billing/subscriptions/{subscription.id}/cancel")
    # then Stripe was asked to cancel at the period's end, and the subscription says so
    assert response.status_code == 200, response.json()
    (call,) = fake_stripe.calls("POST")
    assert (call.path, call.params) == (
        f"/v1/subscriptions/{stripe_subscription['id']}",
        {"cancel_at_period_end": "true"},
    )
    assert call.headers["idempotency-key"].startswith(f"nlc-subscription-{subscription.id}-cancel-")
    body = response.json()
    assert (body["status"], body["cancelAtPeriodEnd"], body["cancelAt"]) == ("active", True, "2026-08-30T10:00:00Z")
    subscription.refresh_from_db()
    assert (subscription.cancel_at_period_end, subscription.current_period_end) == (
        True,
        datetime(2026, 8, 30, 10, tzinfo=UTC),
    )
    # and asking again changes nothing
    assert coach_client.post(f"/billing/subscriptions/{subscription.id}/cancel").status_code == 200
    assert len(fake_stripe.calls("POST")) == 1
    # and no event claims an activation
    assert published_events(context="billing") == []


def test_a_subscription_that_is_not_running_cannot_be_canceled(coach_client, plan, fake_stripe):
    pending = SubscriptionFactory(plan=plan, status="incomplete", stripe_subscription_id=None)
    ended = SubscriptionFactory(plan=plan, status="canceled")
    for subscription in (pending, ended):
        response = coach_client.post(f"/billing/subscriptions/{subscription.id}/cancel")
        assert (response.status_code, response.json()["code"]) == (409, "subscription_not_cancelable")
    assert fake_stripe.requests == []


def test_the_checkout_url_is_shown_only_while_the_checkout_is_open(coach_client, plan):
    pending = SubscriptionFactory(plan=plan, status="incomplete", checkout_url="https://checkout.stripe.com/c/pay/x")
    running = SubscriptionFactory(plan=plan, checkout_url="https://checkout.stripe.com/c/pay/y")
    assert coach_client.get(f"/billing/subscriptions/{pending.id}").json()["checkoutUrl"] == (
        "https://checkout.stripe.com/c/pay/x"
    )
    assert coach_client.get(f"/billing/subscriptions/{running.id}").json()["checkoutUrl"] is None
