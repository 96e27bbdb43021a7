"""A live subscription's changes as Stripe reports them (upgrade, downgrade, monthly to yearly, past
due and back, cancel) become billing.subscription.updated / .canceled exactly once, whatever the
order and however often Stripe's events arrive; the latest event of a subscription always carries
its current state (the rule in stripe_events/subscriptions.py)."""

import json
from datetime import UTC, datetime
from itertools import permutations
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from jsonschema import Draft202012Validator

from contexts.billing.models import Subscription
from contexts.billing.tests.factories import PlanFactory, SubscriptionFactory
from contexts.billing.tests.stripe_fixtures import event_with
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["billing"])

PERIOD_END = 1788084000
# Stripe's times of the changes (seconds), after the subscription's creation at 1785405601.
UPGRADED_AT, PAST_DUE_AT, RECOVERED_AT, ENDED_AT = 1785500000, 1786000000, 1786100000, 1786200000
UPDATED, CANCELED, ACTIVATED = (
    "billing.subscription.updated",
    "billing.subscription.canceled",
    "billing.subscription.activated",
)


def iso(unix: int) -> str:
    return datetime.fromtimestamp(unix, tz=UTC).isoformat().replace("+00:00", "Z")


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((Path(settings.NLC_CONTRACTS_DIR) / "billing" / f"{name}.schema.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def payloads(event_type: str) -> list[dict]:
    found = [envelope["payload"] for envelope in published_events(context="billing", event_type=event_type)]
    validator = _validator(event_type.removeprefix("billing."))
    for payload in found:
        assert list(validator.iter_errors(payload)) == []
    return found


@pytest.fixture
def basic(db):
    return PlanFactory(name="Coach basic", amount=2000, currency="USD", stripe_price_id="price_NLCtestMonthly0001")


@pytest.fixture
def pro(db):
    return PlanFactory(name="Coach pro", amount=5000, currency="USD", stripe_price_id="price_NLCtestProMonth01")


@pytest.fixture
def pro_yearly(db):
    return PlanFactory(
        name="Coach pro yearly", amount=50000, currency="USD", interval="year", stripe_price_id="price_NLCtestProYear01"
    )


@pytest.fixture
def started(basic):
    """The subscription billing created when the coach started its checkout on the basic plan."""
    return SubscriptionFactory(
        plan=basic,
        status="incomplete",
        stripe_subscription_id=None,
        current_period_start=None,
        current_period_end=None,
        stripe_state_at=None,
    )


def snapshot(started, *, event_id: str, created: int, plan=None, status: str = "active", reason=None, **fields):
    """customer.subscription.updated (Stripe's fixture) as of ``created``: the subscription on
    ``plan``'s price (the fixture's basic price otherwise), with ``status`` and a cancellation reason."""
    changes = {
        "status": status,
        "cancel_at": None,
        "canceled_at": None,
        "cancel_at_period_end": False,
        "cancellation_details": {"comment": None, "feedback": None, "reason": reason},
        "metadata": {"coachId": str(COACH_ID), "planId": str(started.plan_id), "subscriptionId": str(started.id)},
    }
    event = event_with("customer.subscription.updated", event_id=event_id, created=created, **{**changes, **fields})
    if plan is not None:
        item = event["data"]["object"]["items"]["data"][0]
        item["price"].update(
            id=plan.stripe_price_id,
            unit_amount=plan.amount,
            unit_amount_decimal=str(plan.amount),
            recurring={**item["price"]["recurring"], "interval": plan.interval},
        )
        item["plan"].update(id=plan.stripe_price_id, amount=plan.amount, interval=plan.interval)
    return event


def running(started, plan=None) -> dict:
    """customer.subscription.created: the subscription runs from 1785405601."""
    event = snapshot(started, event_id="evt_created", created=1785405601, plan=plan)
    event["type"] = "customer.subscription.created"
    return event


def ended(started, *, reason: str = "cancellation_requested", event_id: str = "evt_deleted", plan=None) -> dict:
    event = snapshot(
        started,
        event_id=event_id,
        created=ENDED_AT,
        plan=plan,
        status="canceled",
        reason=reason,
        canceled_at=ENDED_AT,
        ended_at=ENDED_AT,
    )
    event["type"] = "customer.subscription.deleted"
    return event


def updated_payload(started, *, plan, previous_plan, changed_at: int, status="active", previous_status="active"):
    return {
        "subscriptionId": str(started.id),
        "coachId": str(COACH_ID),
        "planId": str(plan.id),
        "planName": plan.name,
        "previousPlanId": str(previous_plan.id),
        "status": status,
        "previousStatus": previous_status,
        "amount": plan.amount,
        "previousAmount": previous_plan.amount,
        "currency": "USD",
        "interval": plan.interval,
        "previousInterval": previous_plan.interval,
        "currentPeriodEnd": iso(PERIOD_END),
        "externalSubscriptionId": "sub_NLCtestSubscr0001",
        "changedAt": iso(changed_at),
    }


# -- plan, price and interval --------------------------------------------------------------------------
def test_an_upgrade_is_published_once_with_what_it_was_before(started, basic, pro, deliver):
    # given a running subscription on the basic plan
    deliver(running(started))
    # when Stripe reports the upgrade, twice (a redelivery, then the same envelope again)
    upgrade = snapshot(started, event_id="evt_upgrade", created=UPGRADED_AT, plan=pro)
    envelope = deliver(upgrade)
    deliver(upgrade)
    deliver(envelope=envelope)
    # then one billing.subscription.updated, with the values before the change
    assert payloads(UPDATED) == [updated_payload(started, plan=pro, previous_plan=basic, changed_at=UPGRADED_AT)]
    subscription = Subscription.objects.get()
    assert (subscription.plan_id, subscription.amount, subscription.currency, subscription.interval) == (
        pro.id,
        5000,
        "USD",
        "month",
    )


def test_a_downgrade_is_published_with_the_smaller_amount(started, basic, pro, deliver):
    deliver(running(started, plan=pro))
    deliver(snapshot(started, event_id="evt_downgrade", created=UPGRADED_AT, plan=basic))
    assert payloads(UPDATED) == [updated_payload(started, plan=basic, previous_plan=pro, changed_at=UPGRADED_AT)]
    (activated,) = payloads(ACTIVATED)
    assert (activated["planId"], activated["amount"], activated["activatedAt"]) == (str(pro.id), 5000, iso(1785405601))


def test_monthly_to_yearly_is_published_with_both_intervals(started, basic, pro_yearly, deliver):
    deliver(running(started))
    deliver(snapshot(started, event_id="evt_yearly", created=UPGRADED_AT, plan=pro_yearly))
    (payload,) = payloads(UPDATED)
    assert payload == updated_payload(started, plan=pro_yearly, previous_plan=basic, changed_at=UPGRADED_AT)
    assert (payload["amount"], payload["interval"], payload["previousAmount"], payload["previousInterval"]) == (
        50000,
        "year",
        2000,
        "month",
    )


def test_the_amount_is_what_stripe_bills_not_the_plans_price(started, basic, deliver):
    # given a subscription on the basic plan whose price an admin raised since (Stripe keeps the old one)
    deliver(running(started))
    basic.amount = 2500
    basic.save()
    # when a second seat is added at Stripe (same price, quantity 2)
    seats = snapshot(started, event_id="evt_seats", created=UPGRADED_AT)
    seats["data"]["object"]["items"]["data"][0]["quantity"] = 2
    deliver(seats)
    # then the amount doubles from what Stripe billed, on the same plan
    (payload,) = payloads(UPDATED)
    assert (payload["planId"], payload["previousPlanId"], payload["amount"], payload["previousAmount"]) == (
        str(basic.id),
        str(basic.id),
        4000,
        2000,
    )


def test_a_change_of_nothing_that_counts_publishes_nothing(started, deliver):
    # given a running subscription
    deliver(running(started))
    # when the coach asks to cancel at the period's end (the subscription runs on, unchanged in worth)
    deliver(snapshot(started, event_id="evt_cancel_asked", created=UPGRADED_AT, cancel_at_period_end=True))
    # then
    assert Subscription.objects.get().cancel_at_period_end is True
    assert payloads(UPDATED) == []
    assert payloads(CANCELED) == []


# -- status ---------------------------------------------------------------------------------------------
def test_past_due_and_back_is_an_update_then_a_reactivation_with_an_update(started, basic, deliver):
    # given a running subscription
    deliver(running(started))
    # when its renewal fails, then the retry pays
    deliver(snapshot(started, event_id="evt_past_due", created=PAST_DUE_AT, status="past_due"))
    deliver(snapshot(started, event_id="evt_recovered", created=RECOVERED_AT))
    # then past_due is an update; the return is both activated and an update, with the same state
    assert payloads(UPDATED) == [
        updated_payload(
            started,
            plan=basic,
            previous_plan=basic,
            changed_at=PAST_DUE_AT,
            status="past_due",
            previous_status="active",
        ),
        updated_payload(
            started,
            plan=basic,
            previous_plan=basic,
            changed_at=RECOVERED_AT,
            status="active",
            previous_status="past_due",
        ),
    ]
    assert [(p["status"], p["amount"], p["activatedAt"]) for p in payloads(ACTIVATED)] == [
        ("active", 2000, iso(1785405601)),
        ("active", 2000, iso(RECOVERED_AT)),
    ]
    # and the reactivation's two events leave in that order, activated first
    types = [envelope["type"] for envelope in published_events(context="billing")]
    assert types == [ACTIVATED, UPDATED, ACTIVATED, UPDATED]


def test_the_start_is_reported_by_activated_alone(started, deliver):
    deliver(running(started))
    assert len(payloads(ACTIVATED)) == 1
    assert payloads(UPDATED) == []


def test_a_subscription_first_seen_past_due_is_an_update_from_incomplete(started, basic, deliver):
    # given Stripe's "active" snapshot is late: billing first sees the subscription past due
    deliver(snapshot(started, event_id="evt_past_due", created=PAST_DUE_AT, status="past_due"))
    deliver(running(started))
    # then consumers learn of the live subscription (and the late, older snapshot changes nothing)
    assert payloads(UPDATED) == [
        updated_payload(
            started,
            plan=basic,
            previous_plan=basic,
            changed_at=PAST_DUE_AT,
            status="past_due",
            previous_status="incomplete",
        )
    ]
    assert payloads(ACTIVATED) == []
    assert Subscription.objects.get().status == "past_due"


# -- the end --------------------------------------------------------------------------------------------
def test_a_cancel_is_published_once_with_stripes_reason(started, pro, deliver):
    # given a running subscription, upgraded
    deliver(running(started))
    deliver(snapshot(started, event_id="evt_upgrade", created=UPGRADED_AT, plan=pro))
    # when Stripe ends it, the event delivered twice, then a status update that says canceled too
    deliver(ended(started, plan=pro))
    deliver(ended(started, plan=pro))
    deliver(snapshot(started, event_id="evt_after", created=ENDED_AT + 5, plan=pro, status="canceled"))
    # then one billing.subscription.canceled, with what it was worth at the end
    assert payloads(CANCELED) == [
        {
            "subscriptionId": str(started.id),
            "coachId": str(COACH_ID),
            "planId": str(pro.id),
            "planName": "Coach pro",
            "amount": 5000,
            "currency": "USD",
            "interval": "month",
            "reason": "cancellation_requested",
            "externalSubscriptionId": "sub_NLCtestSubscr0001",
            "canceledAt": iso(ENDED_AT),
        }
    ]
    assert len(payloads(UPDATED)) == 1  # the upgrade only: an end is no update
    assert Subscription.objects.get().status == "canceled"


def test_an_end_after_failed_payments_names_the_reason(started, deliver):
    deliver(running(started))
    deliver(snapshot(started, event_id="evt_unpaid", created=PAST_DUE_AT, status="unpaid"))
    deliver(ended(started, reason="payment_failed"))
    (canceled,) = payloads(CANCELED)
    assert (canceled["reason"], canceled["amount"]) == ("payment_failed", 2000)


def test_a_deleted_event_ends_the_subscription_whatever_its_snapshot_says(started, deliver):
    deliver(running(started))
    deleted = ended(started)
    deleted["data"]["object"]["status"] = "active"
    deliver(deleted)
    assert Subscription.objects.get().status == "canceled"
    assert len(payloads(CANCELED)) == 1


def test_an_incomplete_subscription_that_expires_is_no_churn(started, deliver):
    expired = snapshot(started, event_id="evt_expired", created=PAST_DUE_AT, status="incomplete_expired")
    deliver(expired)
    assert Subscription.objects.get().status == "incomplete_expired"
    assert published_events(context="billing") == []


# -- order ----------------------------------------------------------------------------------------------
def test_an_older_event_after_a_newer_one_publishes_nothing(started, basic, pro, deliver):
    # given the upgrade (newer) applied before the past-due snapshot of the basic plan (older)
    deliver(running(started))
    deliver(snapshot(started, event_id="evt_upgrade", created=RECOVERED_AT, plan=pro))
    # when the older one arrives
    deliver(snapshot(started, event_id="evt_past_due", created=PAST_DUE_AT, status="past_due"))
    # then nothing changed and nothing more was published
    assert payloads(UPDATED) == [updated_payload(started, plan=pro, previous_plan=basic, changed_at=RECOVERED_AT)]
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.plan_id) == ("active", pro.id)


def _latest_state(envelopes: list[dict]) -> tuple | None:
    """What a consumer keeping the latest state of the subscription holds: the payload with the
    latest time (Stripe's), the later event winning a tie; None once canceled or never told."""
    timed = []
    for position, envelope in enumerate(envelopes):
        payload = envelope["payload"]
        moment = payload.get("changedAt") or payload.get("activatedAt") or payload["canceledAt"]
        timed.append((moment, position, envelope["type"], payload))
    if not timed:
        return None
    _, _, kind, payload = max(timed)
    if kind == CANCELED:
        return None
    return (payload["status"], payload["planId"], payload["amount"], payload["interval"])


def test_a_consumer_keeping_the_latest_state_is_right_in_every_order(started, basic, pro, deliver):
    # given a story: start, upgrade, past due, recovery, end
    story = [
        running(started),
        snapshot(started, event_id="evt_upgrade", created=UPGRADED_AT, plan=pro),
        snapshot(started, event_id="evt_past_due", created=PAST_DUE_AT, plan=pro, status="past_due"),
        snapshot(started, event_id="evt_recovered", created=RECOVERED_AT, plan=pro),
        ended(started, plan=pro),
    ]
    for order in permutations(range(len(story))):
        with transaction.atomic(using="billing"):
            # when Stripe's events arrive in this order; after each, the consumer's view is billing's
            for index in order:
                deliver(story[index])
                subscription = Subscription.objects.get()
                live = subscription.status in ("trialing", "active", "past_due", "unpaid", "paused")
                expected = (
                    (subscription.status, str(subscription.plan_id), subscription.amount, subscription.interval)
                    if live
                    else None
                )
                assert _latest_state(published_events(context="billing")) == expected, order
            # then it ends, and an end is told once at most (never when billing never saw it live)
            assert Subscription.objects.get().status == "canceled"
            assert len(payloads(CANCELED)) == (1 if payloads(ACTIVATED) or payloads(UPDATED) else 0)
            transaction.set_rollback(True, using="billing")
