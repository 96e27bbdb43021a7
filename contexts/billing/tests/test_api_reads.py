"""Reading money artifacts: each coach sees only its own through every endpoint, admins see all;
lists filter, paginate and cost the same few queries for 1 row or 30."""

from datetime import UTC, datetime

import pytest
from django.db import connections

from contexts.billing.models import PaymentLink, Subscription
from contexts.billing.tests.factories import (
    InvoiceFactory,
    PaymentLinkFactory,
    PaymentMethodFactory,
    PlanFactory,
    SubscriptionFactory,
    TransactionFactory,
)
from contexts.billing.tests.stripe_fixtures import stripe_event
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID, OTHER_COACH_ID

pytestmark = pytest.mark.django_db(databases=["billing"])

LISTS = ["subscriptions", "invoices", "transactions", "payment-links", "payment-methods"]
ENTITIES = {
    "subscriptions": "subscription",
    "invoices": "invoice",
    "transactions": "transaction",
    "payment-links": "payment_link",
}


def artifacts(coach_id) -> dict:
    subscription = SubscriptionFactory(coach_id=coach_id)
    return {
        "subscriptions": subscription,
        "invoices": InvoiceFactory(coach_id=coach_id, subscription=subscription),
        "transactions": TransactionFactory(coach_id=coach_id, subscription=subscription),
        "payment-links": PaymentLinkFactory(coach_id=coach_id),
        "payment-methods": PaymentMethodFactory(coach_id=coach_id),
    }


@pytest.fixture
def mine(db):
    return artifacts(COACH_ID)


@pytest.fixture
def theirs(db):
    return artifacts(OTHER_COACH_ID)


def ids(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("resource", LISTS)
def test_a_coach_lists_only_its_own(resource, coach_client, mine, theirs):
    assert ids(coach_client.get(f"/billing/{resource}")) == {str(mine[resource].id)}
    # naming another coach does not widen a coach's view
    assert ids(coach_client.get(f"/billing/{resource}?coachId={OTHER_COACH_ID}")) == set()


@pytest.mark.parametrize("resource", LISTS)
def test_an_admin_lists_every_coachs_and_can_narrow_to_one(resource, admin_client, mine, theirs):
    assert ids(admin_client.get(f"/billing/{resource}")) == {str(mine[resource].id), str(theirs[resource].id)}
    assert ids(admin_client.get(f"/billing/{resource}?coachId={OTHER_COACH_ID}")) == {str(theirs[resource].id)}


@pytest.mark.parametrize("resource", ENTITIES)
def test_another_coachs_artifact_does_not_exist_for_a_coach(resource, coach_client, admin_client, mine, theirs):
    response = coach_client.get(f"/billing/{resource}/{theirs[resource].id}")
    assert (response.status_code, response.json()["code"]) == (404, f"{ENTITIES[resource]}_not_found")
    assert coach_client.get(f"/billing/{resource}/{mine[resource].id}").status_code == 200
    assert admin_client.get(f"/billing/{resource}/{theirs[resource].id}").status_code == 200


def test_a_coach_cannot_change_another_coachs_subscription_or_link(coach_client, theirs, fake_stripe):
    stripe_subscription = stripe_event("customer.subscription.created")["data"]["object"]
    fake_stripe.subscription_add({**stripe_subscription, "id": theirs["subscriptions"].stripe_subscription_id})
    for path, code in (
        (f"/billing/subscriptions/{theirs['subscriptions'].id}/cancel", "subscription_not_found"),
        (f"/billing/payment-links/{theirs['payment-links'].id}/deactivate", "payment_link_not_found"),
    ):
        response = coach_client.post(path)
        assert (response.status_code, response.json()["code"]) == (404, code)
    # nothing changed, here or at Stripe
    assert fake_stripe.requests == []
    assert Subscription.objects.get(pk=theirs["subscriptions"].id).cancel_at_period_end is False
    assert PaymentLink.objects.get(pk=theirs["payment-links"].id).active is True
    assert published_events(context="billing") == []


def test_a_coach_cannot_narrow_plans_to_inactive_ones(coach_client):
    PlanFactory(active=False)
    assert ids(coach_client.get("/billing/plans?active=false")) == set()


def test_transactions_filter_by_status_kind_and_date(coach_client):
    def at(day: int) -> datetime:
        return datetime(2026, 7, day, 12, tzinfo=UTC)

    early = TransactionFactory(occurred_at=at(1), status="succeeded", kind="course_purchase")
    failed = TransactionFactory(occurred_at=at(10), status="failed")
    late = TransactionFactory(occurred_at=at(20), status="refunded", kind="course_purchase")
    assert ids(coach_client.get("/billing/transactions?status=failed")) == {str(failed.id)}
    assert ids(coach_client.get("/billing/transactions?kind=course_purchase")) == {str(early.id), str(late.id)}
    since, until = "2026-07-05T00:00:00Z", "2026-07-20T12:00:00Z"
    assert ids(coach_client.get(f"/billing/transactions?since={since}&until={until}")) == {str(failed.id)}
    assert ids(coach_client.get(f"/billing/transactions?since={since}")) == {str(failed.id), str(late.id)}
    # newest first
    results = coach_client.get("/billing/transactions").json()["results"]
    assert [row["id"] for row in results] == [str(late.id), str(failed.id), str(early.id)]
    # a bad filter says what is wrong
    response = coach_client.get(f"/billing/transactions?status=lost&since={until}&until={since}")
    assert response.status_code == 400
    assert set(response.json()["fieldErrors"]) == {"status"}
    response = coach_client.get(f"/billing/transactions?since={until}&until={since}")
    assert response.json()["fieldErrors"] == {"until": ["until must be after since."]}


def test_invoices_filter_by_status_and_date(coach_client):
    paid = InvoiceFactory(invoiced_at=datetime(2026, 7, 1, tzinfo=UTC))
    open_invoice = InvoiceFactory(status="open", invoiced_at=datetime(2026, 8, 1, tzinfo=UTC))
    assert ids(coach_client.get("/billing/invoices?status=open")) == {str(open_invoice.id)}
    assert ids(coach_client.get("/billing/invoices?until=2026-07-15T00:00:00Z")) == {str(paid.id)}


def test_a_transaction_shows_its_refunds(coach_client):
    transaction_row = TransactionFactory(status="refunded", amount_refunded=4900)
    transaction_row.refunds.create(
        stripe_refund_id="re_1",
        stripe_charge_id="ch_1",
        amount=4900,
        currency="USD",
        reason="requested_by_customer",
        refunded_at=datetime(2026, 8, 2, tzinfo=UTC),
    )
    body = coach_client.get(f"/billing/transactions/{transaction_row.id}").json()
    assert (body["status"], body["amountRefunded"]) == ("refunded", 4900)
    assert [(refund["externalRefundId"], refund["amount"]) for refund in body["refunds"]] == [("re_1", 4900)]


def test_a_payment_method_shows_brand_last_four_and_expiry_only(coach_client):
    card = PaymentMethodFactory()
    PaymentMethodFactory(detached_at=datetime(2026, 7, 1, tzinfo=UTC))
    (row,) = coach_client.get("/billing/payment-methods").json()["results"]
    assert row == {
        "id": str(card.id),
        "coachId": str(COACH_ID),
        "type": "card",
        "brand": "visa",
        "last4": "4242",
        "expMonth": 8,
        "expYear": 2030,
        "createdAt": row["createdAt"],
    }


def test_lists_are_paginated(coach_client):
    for _ in range(3):
        TransactionFactory()
    body = coach_client.get("/billing/transactions?pageSize=2").json()
    assert (body["count"], len(body["results"]), body["next"] is not None) == (3, 2, True)


@pytest.mark.parametrize("resource", LISTS)
def test_a_list_of_thirty_costs_the_queries_of_a_list_of_one(resource, coach_client, django_assert_max_num_queries):
    # given 30 rows of each kind, each with the relations the list shows
    for _ in range(30):
        artifacts(COACH_ID)
    # then a page of them costs a count and one select, on billing's database only
    with django_assert_max_num_queries(2, connection=connections["billing"]):
        response = coach_client.get(f"/billing/{resource}")
    assert len(response.json()["results"]) == 30


def test_plans_cost_two_queries(coach_client, django_assert_max_num_queries):
    for _ in range(30):
        PlanFactory()
    with django_assert_max_num_queries(2, connection=connections["billing"]):
        assert len(coach_client.get("/billing/plans").json()["results"]) == 30
