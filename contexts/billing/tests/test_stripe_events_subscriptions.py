"""A coach's platform subscription from Stripe's events: checkout.session.completed (subscription
mode), customer.subscription.created/updated/deleted and invoice.* in every order, more than once,
and in the old API version's shapes."""

from datetime import UTC, datetime
from itertools import permutations

import pytest
import time_machine
from django.db import transaction

from contexts.billing.models import Invoice, PaymentMethod, StripeEvent, Subscription, Transaction
from contexts.billing.tests.factories import PlanFactory, StripeCustomerFactory, SubscriptionFactory
from contexts.billing.tests.stripe_fixtures import event_with, stripe_event
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["billing"])

NOW = datetime(2026, 7, 30, 10, 0, 30, tzinfo=UTC)
PERIOD_START, PERIOD_END = 1785405600, 1788084000


def moment(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, tz=UTC)


def iso(unix: int) -> str:
    return moment(unix).isoformat().replace("+00:00", "Z")


@pytest.fixture
def plan(db):
    return PlanFactory(name="Coach platform", amount=2000, currency="USD", stripe_price_id="price_NLCtestMonthly0001")


@pytest.fixture
def started(plan):
    """The subscription billing created when the coach started the checkout."""
    return SubscriptionFactory(
        plan=plan,
        status="incomplete",
        stripe_subscription_id=None,
        stripe_checkout_session_id="cs_test_b1NLCtestCheckoutSubscriptionMode000000000000000000000002",
        current_period_start=None,
        current_period_end=None,
        stripe_state_at=None,
    )


def ours(subscription) -> dict:
    return {"coachId": str(COACH_ID), "planId": str(subscription.plan_id), "subscriptionId": str(subscription.id)}


def with_subscription_metadata(name: str, started_subscription, **changes) -> dict:
    """The fixture event with the metadata billing put on the checkout (Stripe copies it onward)."""
    event = event_with(name, **changes)
    stripe_object = event["data"]["object"]
    if stripe_object["object"] == "invoice":
        stripe_object["parent"]["subscription_details"]["metadata"] = ours(started_subscription)
    else:
        stripe_object["metadata"] = ours(started_subscription)
    if stripe_object["object"] == "checkout.session":
        stripe_object["client_reference_id"] = str(started_subscription.id)
    return event


@pytest.fixture
def story(started):
    """Subscribe, pay the first invoice, ask to cancel at period end, end: by name."""
    return {
        "created": with_subscription_metadata("customer.subscription.created", started),
        "checkout": with_subscription_metadata("checkout.session.completed.subscription_mode", started),
        "invoice_paid": with_subscription_metadata("invoice.paid", started),
        "cancel_requested": with_subscription_metadata("customer.subscription.updated", started),
        "deleted": with_subscription_metadata("customer.subscription.deleted", started),
    }


def payloads(event_type: str) -> list[dict]:
    return [envelope["payload"] for envelope in published_events(context="billing", event_type=event_type)]


def assert_ended_subscription(started):
    subscription = Subscription.objects.get()
    assert subscription.id == started.id
    assert (subscription.status, subscription.stripe_subscription_id) == ("canceled", "sub_NLCtestSubscr0001")
    assert (subscription.current_period_start, subscription.current_period_end) == (
        moment(PERIOD_START),
        moment(PERIOD_END),
    )
    assert (subscription.cancel_at_period_end, subscription.cancel_at, subscription.canceled_at) == (
        True,
        moment(1788084000),
        moment(1786377600),
    )
    assert subscription.ended_at == moment(1788084000)
    assert subscription.customer.stripe_customer_id == "cus_NLCtestClient0001"
    assert subscription.stripe_state_at == moment(1788084000)
    invoice = Invoice.objects.get()
    assert (invoice.stripe_invoice_id, invoice.status, invoice.subscription_id, invoice.amount_paid) == (
        "in_NLCtestInvoice0001",
        "paid",
        started.id,
        2000,
    )
    payment = Transaction.objects.get()
    assert (payment.kind, payment.status, payment.amount, payment.subscription_id, payment.plan_id) == (
        "subscription",
        "succeeded",
        2000,
        started.id,
        started.plan_id,
    )


def activated_payload(started) -> dict:
    return {
        "subscriptionId": str(started.id),
        "coachId": str(COACH_ID),
        "planId": str(started.plan_id),
        "planName": "Coach platform",
        "status": "active",
        "amount": 2000,
        "currency": "USD",
        "interval": "month",
        "currentPeriodStart": iso(PERIOD_START),
        "currentPeriodEnd": iso(PERIOD_END),
        "trialEndsAt": None,
        "externalSubscriptionId": "sub_NLCtestSubscr0001",
        # Stripe's time of the change (the customer.subscription.created event), not billing's clock
        "activatedAt": iso(1785405601),
    }


def issued_payload(started) -> dict:
    invoice = Invoice.objects.get()
    return {
        "invoiceId": str(invoice.id),
        "number": "NLCTEST-0001",
        "coachId": str(COACH_ID),
        "subscriptionId": str(started.id),
        "status": "paid",
        "amount": 2000,
        "currency": "USD",
        "periodStart": iso(PERIOD_START),
        "periodEnd": iso(PERIOD_END),
        "dueAt": None,
        "hostedInvoiceUrl": "https://invoice.stripe.com/i/acct_NLCtestPlatform01/test_FAKEHOSTEDINVOICE0001",
        "pdfUrl": "https://pay.stripe.com/invoice/acct_NLCtestPlatform01/test_FAKEHOSTEDINVOICE0001/pdf?s=ap",
        "externalInvoiceId": "in_NLCtestInvoice0001",
        "issuedAt": NOW.isoformat().replace("+00:00", "Z"),
    }


def completed_payload(started) -> dict:
    payment = Transaction.objects.get()
    return {
        "transactionId": str(payment.id),
        "coachId": str(COACH_ID),
        "planId": str(started.plan_id),
        "subscriptionId": str(started.id),
        "paymentLinkId": None,
        "courseId": None,
        "clientId": None,
        "clientEmail": None,
        "clientName": None,
        "kind": "subscription",
        "amount": 2000,
        "currency": "USD",
        "externalPaymentId": "in_NLCtestInvoice0001",
        "status": "completed",
        "paidAt": iso(1785405600),
    }


ORDERS = {
    "in order": ("checkout", "created", "invoice_paid", "cancel_requested", "deleted"),
    "reversed": ("deleted", "cancel_requested", "invoice_paid", "created", "checkout"),
}


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_a_subscription_story_ends_canceled_in_any_order_and_each_event_counts_once(story, started, deliver, order):
    # when Stripe's events arrive in this order, each twice
    with time_machine.travel(NOW, tick=False):
        for name in order:
            deliver(story[name])
            deliver(story[name])
    # then the subscription ended, with the right period, invoice and payment
    assert_ended_subscription(started)
    assert StripeEvent.objects.count() == 5
    # and what billing saw happen was published once, with the contracts' fields
    assert payloads("billing.invoice.issued") == [issued_payload(started)]
    assert payloads("billing.payment.completed") == [completed_payload(started)]
    if order == ORDERS["in order"]:
        assert payloads("billing.subscription.activated") == [activated_payload(started)]
    else:
        # billing first learned of it when it had ended: it never saw it running
        assert payloads("billing.subscription.activated") == []


def test_every_order_of_the_story_ends_in_the_same_state(story, started, deliver):
    for order in permutations(story):
        with transaction.atomic(using="billing"):
            for name in order:
                deliver(story[name])
            assert_ended_subscription(started)
            assert len(payloads("billing.invoice.issued")) == 1
            assert len(payloads("billing.payment.completed")) == 1
            assert len(payloads("billing.subscription.activated")) <= 1
            transaction.set_rollback(True, using="billing")


def test_an_older_update_never_overwrites_a_newer_one(story, started, deliver):
    # given the subscription running with cancel-at-period-end asked (the newer state)
    deliver(story["cancel_requested"])
    # when the older "created" snapshot arrives late
    deliver(story["created"])
    # then the newer state stays, and the late event is recorded as stale
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.cancel_at_period_end) == ("active", True)
    assert StripeEvent.objects.get(provider_event_id="evt_1NLCtestSubCreated00001").note == (
        "older than the subscription state billing has"
    )


def test_a_failed_renewal_then_recovery_is_published_as_a_reactivation(story, started, deliver):
    # given a running subscription
    with time_machine.travel(NOW, tick=False):
        deliver(story["created"])
    # when the renewal fails (invoice.payment_failed and past_due), then the retry pays
    failed_invoice = with_subscription_metadata("invoice.payment_failed", started)
    past_due = with_subscription_metadata("customer.subscription.updated.past_due", started)
    renewal_paid = with_subscription_metadata(
        "invoice.paid",
        started,
        id="in_NLCtestInvoice0002",
        number="NLCTEST-0002",
        billing_reason="subscription_cycle",
        created=1788084000,
        status_transitions={
            "finalized_at": 1788087540,
            "paid_at": 1788174000,
            "marked_uncollectible_at": None,
            "voided_at": None,
        },
    )
    renewal_paid["id"], renewal_paid["created"] = "evt_renewal_paid", 1788174000
    recovered = with_subscription_metadata("customer.subscription.updated.past_due", started, status="active")
    recovered["id"], recovered["created"] = "evt_recovered", 1788174001
    with time_machine.travel(NOW, tick=False):
        for event in (failed_invoice, past_due, failed_invoice, renewal_paid, recovered):
            deliver(event)
    # then the renewal failed once, was paid once, and the subscription runs again
    subscription = Subscription.objects.get()
    assert subscription.status == "active"
    renewal = Transaction.objects.get(stripe_invoice_id="in_NLCtestInvoice0002")
    assert (renewal.status, renewal.attempt_count, renewal.kind) == ("succeeded", 1, "subscription")
    (failed,) = payloads("billing.payment.failed")
    assert failed == {
        "transactionId": str(renewal.id),
        "coachId": str(COACH_ID),
        "planId": str(started.plan_id),
        "subscriptionId": str(started.id),
        "paymentLinkId": None,
        "courseId": None,
        "clientId": None,
        "clientEmail": None,
        "clientName": None,
        "kind": "subscription",
        "amount": 2000,
        "currency": "USD",
        "externalPaymentId": "in_NLCtestInvoice0002",
        "failureCode": None,
        "failureMessage": None,
        "attemptCount": 1,
        "nextAttemptAt": iso(1788346800),
        "failedAt": iso(1788087600),
    }
    assert [(p["number"], p["status"]) for p in payloads("billing.invoice.issued")] == [("NLCTEST-0002", "open")]
    assert [p["externalPaymentId"] for p in payloads("billing.payment.completed")] == ["in_NLCtestInvoice0002"]
    assert [p["status"] for p in payloads("billing.subscription.activated")] == ["active", "active"]


def test_a_renewal_paid_before_its_failure_is_reported_publishes_no_failure(story, started, deliver):
    failed_invoice = with_subscription_metadata("invoice.payment_failed", started)
    paid = with_subscription_metadata(
        "invoice.payment_failed", started, status="paid", amount_paid=2000, amount_remaining=0
    )
    paid["id"], paid["type"], paid["created"] = "evt_paid_late", "invoice.paid", 1788174000
    for event in (paid, failed_invoice):
        deliver(event)
    invoice = Invoice.objects.get()
    assert (invoice.status, invoice.amount_paid) == ("paid", 2000)
    assert payloads("billing.payment.failed") == []
    assert [p["status"] for p in payloads("billing.invoice.issued")] == ["paid"]
    assert len(payloads("billing.payment.completed")) == 1


def test_a_checkout_that_expires_leaves_the_subscription_incomplete_expired(started, deliver):
    expired = with_subscription_metadata(
        "checkout.session.completed.subscription_mode",
        started,
        status="expired",
        payment_status="unpaid",
        subscription=None,
    )
    expired["type"] = "checkout.session.expired"
    deliver(expired)
    assert Subscription.objects.get().status == "incomplete_expired"
    assert published_events(context="billing") == []


def test_a_subscription_made_in_stripes_dashboard_is_adopted_by_its_coachs_customer(plan, deliver):
    # given a coach known to Stripe, and a subscription billing did not start (no metadata)
    StripeCustomerFactory(stripe_customer_id="cus_NLCtestClient0001")
    # when Stripe reports it
    with time_machine.travel(NOW, tick=False):
        deliver(stripe_event("customer.subscription.created"))
    # then it is the coach's, on the plan of its price
    subscription = Subscription.objects.get()
    assert (subscription.coach_id, subscription.plan_id, subscription.status) == (COACH_ID, plan.id, "active")
    assert len(payloads("billing.subscription.activated")) == 1


def test_a_subscription_whose_checkout_row_is_missing_keeps_the_id_billing_gave_it(plan, deliver):
    # given a checkout billing started but never saved (its save failed after Stripe's answer)
    missing = SubscriptionFactory.build(plan=plan)
    # when Stripe reports the subscription, with billing's metadata
    deliver(with_subscription_metadata("customer.subscription.created", missing))
    # then it is the coach's, under the id the metadata names
    subscription = Subscription.objects.get()
    assert (subscription.id, subscription.coach_id, subscription.status) == (missing.id, COACH_ID, "active")


def test_a_subscription_billing_cannot_attribute_is_ignored(plan, deliver):
    deliver(stripe_event("customer.subscription.created"))
    deliver(stripe_event("invoice.paid"))
    assert Subscription.objects.count() == Invoice.objects.count() == 0
    assert published_events(context="billing") == []
    assert StripeEvent.objects.filter(outcome="ignored").count() == 2


# -- payment methods ---------------------------------------------------------------------------------
def card_event(event_id: str, event_type: str, created: int, customer: str, **card) -> dict:
    payment_method = stripe_event("payment_intent.payment_failed")["data"]["object"]["last_payment_error"][
        "payment_method"
    ]
    payment_method["customer"] = customer
    payment_method["card"].update(card)
    return {
        **stripe_event("payment_intent.succeeded"),
        "id": event_id,
        "type": event_type,
        "created": created,
        "data": {"object": payment_method},
    }


def test_a_coachs_card_keeps_brand_last_four_and_expiry_only_and_its_newest_state(db, deliver):
    StripeCustomerFactory(stripe_customer_id="cus_NLCcoach")
    attached = card_event("evt_pm_1", "payment_method.attached", 100, "cus_NLCcoach")
    updated = card_event("evt_pm_2", "payment_method.updated", 200, "cus_NLCcoach", exp_year=2031)
    detached = card_event("evt_pm_3", "payment_method.detached", 300, None, exp_year=2031)
    # when its update arrives before its attachment
    deliver(updated)
    deliver(attached)
    card = PaymentMethod.objects.get()
    assert (card.coach_id, card.type, card.brand, card.last4, card.exp_month, card.exp_year) == (
        COACH_ID,
        "card",
        "visa",
        "0002",
        8,
        2031,
    )
    # and once detached it stays detached
    deliver(detached)
    deliver(card_event("evt_pm_4", "payment_method.updated", 400, "cus_NLCcoach", exp_year=2040))
    card = PaymentMethod.objects.get()
    assert (card.detached_at, card.exp_year) == (moment(300), 2031)


def test_a_clients_card_is_not_kept(db, deliver):
    deliver(card_event("evt_pm_client", "payment_method.attached", 100, "cus_NLCtestClient0001"))
    assert PaymentMethod.objects.count() == 0


# -- the old API version -----------------------------------------------------------------------------
def test_old_api_version_subscriptions_and_invoices_are_read_too(plan, started, deliver):
    # given events of an endpoint on 2020-08-27: periods on the subscription, subscription on the invoice
    created = event_with("customer.subscription.created", legacy=True, metadata=ours(started))
    created["data"]["object"]["items"]["data"][0]["price"]["id"] = plan.stripe_price_id
    paid = event_with(
        "invoice.paid", legacy=True, event_id="evt_legacy_invoice", subscription="sub_000000000000000000000000"
    )
    with time_machine.travel(NOW, tick=False):
        deliver(created)
        deliver(paid)
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.stripe_subscription_id) == ("active", "sub_000000000000000000000000")
    assert (subscription.current_period_start, subscription.current_period_end) == (
        moment(1648320110),
        moment(1650998510),
    )
    invoice = Invoice.objects.get()
    assert (invoice.subscription_id, invoice.status, invoice.number) == (started.id, "paid", "EE1DF78D-0001")
    (completed,) = payloads("billing.payment.completed")
    # the old invoice names its payment intent
    assert (completed["kind"], completed["externalPaymentId"], completed["amount"]) == (
        "subscription",
        "pi_000000000000000000000000",
        2000,
    )
    assert len(payloads("billing.subscription.activated")) == 1
