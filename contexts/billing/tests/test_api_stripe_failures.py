"""When Stripe cannot be reached, is slow, fails or refuses, every endpoint that calls it answers a
clear 503 (worth retrying) or 502 (Stripe refused) in the one error shape, and changes nothing."""

import socket

import pytest

from contexts.billing.models import PaymentLink, Plan, StripeCustomer, Subscription
from contexts.billing.tests.factories import PaymentLinkFactory, PlanFactory, SubscriptionFactory
from contexts.billing.tests.stripe_fixtures import stripe_event
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["billing"])


@pytest.fixture
def rows(fake_stripe):
    price = fake_stripe.price_add(unit_amount=2000, currency="usd", interval="month")
    plan = PlanFactory(stripe_product_id=price["product"], stripe_price_id=price["id"])
    stripe_subscription = stripe_event("customer.subscription.created")["data"]["object"]
    fake_stripe.subscription_add(stripe_subscription)
    subscription = SubscriptionFactory(plan=plan, status="past_due", stripe_subscription_id=stripe_subscription["id"])
    link = PaymentLinkFactory()
    return {"plan": plan, "subscription": subscription, "link": link}


CALLS = {
    "create a plan": (
        "admin",
        "post",
        "/billing/plans",
        {"name": "P", "amount": 100, "currency": "EUR", "interval": "month"},
    ),
    "change a plan": ("admin", "patch", "/billing/plans/{plan}", {"amount": 999}),
    "subscribe": ("coach", "post", "/billing/subscriptions", {"planId": "{plan}"}),
    "cancel": ("coach", "post", "/billing/subscriptions/{subscription}/cancel", None),
    "create a link": (
        "coach",
        "post",
        "/billing/payment-links",
        {"courseId": "{course}", "name": "C", "amount": 100, "currency": "EUR"},
    ),
    "deactivate a link": ("coach", "post", "/billing/payment-links/{link}/deactivate", None),
}


def state() -> tuple:
    return (
        list(Plan.objects.values_list("amount", "stripe_price_id").order_by("id")),
        list(Subscription.objects.values_list("status", "cancel_at_period_end")),
        list(PaymentLink.objects.values_list("active", flat=True)),
        StripeCustomer.objects.count(),
        len(published_events(context="billing")),
    )


def prepare(name, rows) -> None:
    if name == "subscribe":  # a coach subscribes only once its running subscription has ended
        Subscription.objects.update(status="canceled")


def call(name, rows, clients):
    role, method, path, body = CALLS[name]
    ids = {
        "plan": rows["plan"].id,
        "subscription": rows["subscription"].id,
        "link": rows["link"].id,
        "course": rows["link"].course_id,
    }
    body = {key: value.format(**ids) if isinstance(value, str) else value for key, value in (body or {}).items()}
    client = clients[role]
    return getattr(client, method)(path.format(**ids), body)


@pytest.fixture
def clients(admin_client, coach_client):
    return {"admin": admin_client, "coach": coach_client}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("name", CALLS)
def test_stripe_unreachable_is_a_503_that_changes_nothing(name, rows, clients, settings):
    prepare(name, rows)
    before = state()
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed_port()}"
    response = call(name, rows, clients)
    assert response.status_code == 503
    assert response.json() == {
        "status": 503,
        "code": "stripe_unavailable",
        "message": "Stripe cannot be reached right now; nothing was changed. Try again shortly.",
        "fieldErrors": {},
        "details": {"retryable": True},
    }
    assert response.headers["Retry-After"] == "30"
    assert state() == before


@pytest.mark.parametrize("name", CALLS)
def test_a_request_stripe_refuses_is_a_502_that_changes_nothing(name, rows, clients, fake_stripe):
    prepare(name, rows)
    before = state()
    fake_stripe.fail(status=400, error_type="invalid_request_error", code="parameter_invalid", message="Bad value.")
    response = call(name, rows, clients)
    assert response.status_code == 502
    assert response.json() == {
        "status": 502,
        "code": "stripe_error",
        "message": "Stripe refused the request: Bad value.",
        "fieldErrors": {},
        "details": {"retryable": False, "stripeCode": "parameter_invalid"},
    }
    assert state() == before


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [
        ({"status": 500}, 503, "stripe_unavailable"),
        ({"status": 503}, 503, "stripe_unavailable"),
        ({"status": 429, "error_type": "invalid_request_error", "code": "rate_limit"}, 503, "stripe_unavailable"),
        ({"status": 401, "error_type": "invalid_request_error", "message": "Invalid API Key."}, 502, "stripe_error"),
        ({"status": 200, "delay": 0.6}, 503, "stripe_unavailable"),
    ],
    ids=["500", "503", "429", "401", "timeout"],
)
def test_each_kind_of_failure(failure, status, code, rows, clients, fake_stripe, settings):
    settings.STRIPE_TIMEOUT_SECONDS = 0.2
    before = state()
    fake_stripe.fail(**failure)
    response = call("create a link", rows, clients)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert state() == before


def test_without_a_secret_key_payments_are_not_configured(rows, clients, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = call("create a link", rows, clients)
    assert (response.status_code, response.json()["code"]) == (503, "stripe_not_configured")
