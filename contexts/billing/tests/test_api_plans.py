"""Plans: everyone signed in reads the active ones; admins write them, synced to Stripe."""

import pytest

from contexts.billing.models import Plan
from contexts.billing.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db(databases=["billing"])


def test_an_admin_creates_a_plan_with_its_stripe_product_and_recurring_price(admin_client, fake_stripe):
    # when an admin creates a plan
    response = admin_client.post(
        "/billing/plans",
        {"name": "Pro", "description": "All of it", "amount": 2900, "currency": "eur", "interval": "year"},
    )
    # then it exists, with the ids of what Stripe made for it
    assert response.status_code == 201, response.json()
    plan = Plan.objects.get()
    body = response.json()
    assert body == {
        "id": str(plan.id),
        "name": "Pro",
        "description": "All of it",
        "amount": 2900,
        "currency": "EUR",
        "interval": "year",
        "active": True,
        "createdAt": body["createdAt"],
        "updatedAt": body["updatedAt"],
        "stripeProductId": plan.stripe_product_id,
        "stripePriceId": plan.stripe_price_id,
    }
    product_call, price_call = fake_stripe.calls("POST")
    assert (product_call.path, product_call.params) == (
        "/v1/products",
        {"name": "Pro", "metadata": {"planId": str(plan.id)}},
    )
    assert (price_call.path, price_call.params) == (
        "/v1/prices",
        {
            "unit_amount": "2900",
            "currency": "eur",
            "metadata": {"planId": str(plan.id)},
            "product": plan.stripe_product_id,
            "recurring": {"interval": "year"},
        },
    )
    # with idempotency keys, in the pinned API version, with the secret key
    assert [call.headers["idempotency-key"] for call in (product_call, price_call)] == [
        f"nlc-plan-{plan.id}-product",
        f"nlc-plan-{plan.id}-price",
    ]
    assert {call.headers["stripe-version"] for call in fake_stripe.requests} == {"2026-07-29.dahlia"}


def test_a_new_price_replaces_the_old_one_at_stripe(admin_client, fake_stripe):
    plan_id = admin_client.post(
        "/billing/plans", {"name": "Pro", "amount": 2900, "currency": "EUR", "interval": "month"}
    ).json()["id"]
    old_price = Plan.objects.get().stripe_price_id
    # when the admin changes the amount and the name
    response = admin_client.patch(f"/billing/plans/{plan_id}", {"amount": 3900, "name": "Pro+"})
    # then a new price serves new checkouts, and the old one is archived
    assert response.status_code == 200, response.json()
    plan = Plan.objects.get()
    assert (plan.amount, plan.name) == (3900, "Pro+")
    assert plan.stripe_price_id != old_price
    assert fake_stripe.objects[old_price]["active"] is False
    assert fake_stripe.objects[plan.stripe_price_id]["unit_amount"] == 3900
    assert fake_stripe.objects[plan.stripe_product_id]["name"] == "Pro+"


def test_a_deactivated_plan_is_no_longer_offered(admin_client, coach_client, fake_stripe):
    plan_id = admin_client.post(
        "/billing/plans", {"name": "Pro", "amount": 2900, "currency": "EUR", "interval": "month"}
    ).json()["id"]
    assert admin_client.patch(f"/billing/plans/{plan_id}", {"active": False}).status_code == 200
    assert fake_stripe.objects[Plan.objects.get().stripe_product_id]["active"] is False
    assert coach_client.get("/billing/plans").json()["results"] == []
    response = coach_client.get(f"/billing/plans/{plan_id}")
    assert (response.status_code, response.json()["code"]) == (404, "plan_not_found")
    assert [plan["id"] for plan in admin_client.get("/billing/plans?active=false").json()["results"]] == [plan_id]


def test_coaches_read_active_plans_and_cannot_write_them(coach_client, fake_stripe):
    active = PlanFactory(name="Basic", amount=1000)
    PlanFactory(active=False)
    body = coach_client.get("/billing/plans").json()
    assert [plan["id"] for plan in body["results"]] == [str(active.id)]
    assert "stripePriceId" not in body["results"][0]
    response = coach_client.post("/billing/plans", {"name": "X", "amount": 1, "currency": "EUR", "interval": "month"})
    assert response.status_code == 403
    assert response.json()["code"] == "admin_only"
    assert coach_client.patch(f"/billing/plans/{active.id}", {"amount": 1}).status_code == 403
    assert fake_stripe.requests == []
    assert Plan.objects.count() == 2


def test_bad_input_is_a_400_naming_each_field(admin_client, fake_stripe):
    response = admin_client.post("/billing/plans", {"name": "", "amount": 0, "currency": "euro", "interval": "week"})
    assert response.status_code == 400
    assert set(response.json()["fieldErrors"]) == {"name", "amount", "currency", "interval"}
    assert fake_stripe.requests == []


def test_plans_need_a_token(api_client):
    assert api_client.get("/billing/plans").status_code == 401
