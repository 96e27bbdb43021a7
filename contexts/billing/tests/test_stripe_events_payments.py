"""One-off payments from Stripe's events: a client buys a course through a coach's payment link
(checkout.session.completed, payment_intent.succeeded, charge.refunded), a card is declined
(payment_intent.payment_failed), in every order and more than once."""

from datetime import UTC, datetime
from itertools import permutations

import pytest
import time_machine
from django.db import transaction

from contexts.billing.models import Refund, StripeCustomer, StripeEvent, Transaction
from contexts.billing.tests.factories import PaymentLinkFactory
from contexts.billing.tests.stripe_fixtures import event_with, stripe_event, stripe_object
from nlc.clients import client_id_for
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["billing"])

COURSE_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
PAYMENT_INTENT = "pi_NLCtestPayIntent001"
CLIENT_ID = str(client_id_for(coach_id=COACH_ID, email="client@example.com"))


def iso(unix: int) -> str:
    return datetime.fromtimestamp(unix, tz=UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def link(db):
    # the link billing created: Stripe copies its metadata onto checkout sessions and payment intents
    return PaymentLinkFactory(
        stripe_payment_link_id="plink_NLCtestPayLink0001", course_id=COURSE_ID, amount=4900, currency="USD"
    )


def link_metadata(link) -> dict:
    return {"coachId": str(link.coach_id), "courseId": str(link.course_id), "paymentLinkId": str(link.id)}


@pytest.fixture
def sale(link, fake_stripe):
    """The three events of a course sale that is then refunded in full, by name."""
    fake_stripe.refunds_by_charge["ch_NLCtestCharge000001"] = [stripe_object("refund")]
    return {
        "checkout": event_with("checkout.session.completed", metadata=link_metadata(link)),
        "succeeded": event_with("payment_intent.succeeded", metadata=link_metadata(link)),
        "refunded": stripe_event("charge.refunded"),
    }


def events_of(event_type: str) -> list[dict]:
    return [envelope["payload"] for envelope in published_events(context="billing", event_type=event_type)]


def completed_payload(link, transaction_row, *, paid_at: int) -> dict:
    return {
        "transactionId": str(transaction_row.id),
        "coachId": str(COACH_ID),
        "planId": None,
        "subscriptionId": None,
        "paymentLinkId": str(link.id),
        "courseId": COURSE_ID,
        "clientId": CLIENT_ID,
        "clientEmail": "client@example.com",
        "clientName": "Test Client",
        "kind": "course_purchase",
        "amount": 4900,
        "currency": "USD",
        "externalPaymentId": PAYMENT_INTENT,
        "status": "completed",
        "paidAt": iso(paid_at),
    }


def refunded_payload(transaction_row) -> dict:
    refund = Refund.objects.get()
    return {
        "refundId": str(refund.id),
        "transactionId": str(transaction_row.id),
        "coachId": str(COACH_ID),
        "kind": "course_purchase",
        "courseId": COURSE_ID,
        "clientId": CLIENT_ID,
        "clientEmail": "client@example.com",
        "amount": 4900,
        "currency": "USD",
        "paymentAmount": 4900,
        "fullRefund": True,
        "reason": "requested_by_customer",
        "externalRefundId": "re_NLCtestRefund000001",
        "refundedAt": iso(1785663000),
    }


def assert_refunded_sale(link):
    transaction_row = Transaction.objects.get()
    assert (transaction_row.status, transaction_row.kind) == ("refunded", "course_purchase")
    assert (transaction_row.amount, transaction_row.amount_refunded, transaction_row.currency) == (4900, 4900, "USD")
    assert (transaction_row.coach_id, str(transaction_row.course_id), transaction_row.payment_link_id) == (
        COACH_ID,
        COURSE_ID,
        link.id,
    )
    assert (transaction_row.client_email, transaction_row.client_name, str(transaction_row.client_id)) == (
        "client@example.com",
        "Test Client",
        CLIENT_ID,
    )
    assert (transaction_row.stripe_payment_intent_id, transaction_row.stripe_charge_id) == (
        PAYMENT_INTENT,
        "ch_NLCtestCharge000001",
    )
    assert (
        transaction_row.stripe_checkout_session_id == stripe_event("checkout.session.completed")["data"]["object"]["id"]
    )
    assert transaction_row.refunded_at == datetime.fromtimestamp(1785663000, tz=UTC)
    return transaction_row


# -- a sale, in every order --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("order", "paid_at"),
    [
        (("checkout", "succeeded", "refunded"), 1785405602),
        (("refunded", "succeeded", "checkout"), 1785405601),
        (("succeeded", "checkout", "refunded"), 1785405601),
    ],
    ids=["in order", "reversed", "intent first"],
)
def test_a_sale_ends_refunded_with_completed_then_refunded_published_once(sale, link, deliver, order, paid_at):
    # when Stripe's events arrive in this order, each of them twice
    for name in order:
        deliver(sale[name])
        deliver(sale[name])
    # then one transaction is refunded in full
    transaction_row = assert_refunded_sale(link)
    # and its completion, then its refund, were published once each, with the contracts' fields
    published = [envelope["type"] for envelope in published_events(context="billing")]
    assert published == ["billing.payment.completed", "billing.payment.refunded"]
    assert events_of("billing.payment.completed") == [completed_payload(link, transaction_row, paid_at=paid_at)]
    assert events_of("billing.payment.refunded") == [refunded_payload(transaction_row)]
    # and the client's Stripe customer is known as the coach's client
    customer = StripeCustomer.objects.get()
    assert (customer.stripe_customer_id, customer.kind, str(customer.client_id)) == (
        "cus_NLCtestClient0001",
        "client",
        CLIENT_ID,
    )
    assert StripeEvent.objects.count() == 3


def test_every_order_of_a_sale_ends_in_the_same_state(sale, link, deliver):
    for order in permutations(sale):
        with transaction.atomic(using="billing"):
            for name in order:
                deliver(sale[name])
            assert_refunded_sale(link)
            assert [envelope["type"] for envelope in published_events(context="billing")] == [
                "billing.payment.completed",
                "billing.payment.refunded",
            ], order
            transaction.set_rollback(True, using="billing")


def test_a_sale_is_completed_once_the_client_is_known(sale, link, deliver):
    # given the payment intent alone: billing knows coach, course and link, but not the buyer
    deliver(sale["succeeded"])
    transaction_row = Transaction.objects.get()
    assert (transaction_row.status, transaction_row.client_email) == ("succeeded", "")
    assert events_of("billing.payment.completed") == []
    # when the checkout names the buyer
    deliver(sale["checkout"])
    # then the payment is published, complete
    (payload,) = events_of("billing.payment.completed")
    assert (payload["clientEmail"], payload["clientId"], payload["paidAt"]) == (
        "client@example.com",
        CLIENT_ID,
        iso(1785405601),
    )


def test_a_partial_refund_then_the_rest(link, deliver, fake_stripe):
    # given a completed sale
    deliver(event_with("checkout.session.completed", metadata=link_metadata(link)))
    first = {**stripe_object("refund"), "id": "re_NLCpartial1", "amount": 1000, "reason": None}
    second = {**stripe_object("refund"), "id": "re_NLCpartial2", "amount": 3900, "created": 1785700000}
    charge = stripe_event("charge.refunded")
    # when 1000 is refunded, then the remaining 3900 (Stripe's list grows)
    fake_stripe.refunds_by_charge["ch_NLCtestCharge000001"] = [first]
    deliver({**charge, "id": "evt_refund_1", "data": {"object": {**charge["data"]["object"], "amount_refunded": 1000}}})
    partial = Transaction.objects.get()
    assert (partial.status, partial.amount_refunded) == ("partially_refunded", 1000)
    fake_stripe.refunds_by_charge["ch_NLCtestCharge000001"] = [second, first]
    deliver({**charge, "id": "evt_refund_2"})
    # then each refund was published once, the last one completing the refund
    transaction_row = Transaction.objects.get()
    assert (transaction_row.status, transaction_row.amount_refunded) == ("refunded", 4900)
    assert [
        (p["externalRefundId"], p["amount"], p["fullRefund"], p["reason"])
        for p in events_of("billing.payment.refunded")
    ] == [("re_NLCpartial1", 1000, False, None), ("re_NLCpartial2", 3900, True, "requested_by_customer")]
    # and billing asked Stripe for the charge's refunds, since the event no longer carries them
    assert [call.params for call in fake_stripe.calls("GET", "/v1/refunds")] == [
        {"charge": "ch_NLCtestCharge000001", "limit": "100"}
    ] * 2


# -- failed payments ---------------------------------------------------------------------------------
def declined(link, *, created: int = 1785405590) -> dict:
    return event_with("payment_intent.payment_failed", created=created, id=PAYMENT_INTENT, metadata=link_metadata(link))


def failed_payload(link, transaction_row) -> dict:
    return {
        "transactionId": str(transaction_row.id),
        "coachId": str(COACH_ID),
        "planId": None,
        "subscriptionId": None,
        "paymentLinkId": str(link.id),
        "courseId": COURSE_ID,
        "clientId": CLIENT_ID,
        "clientEmail": "client@example.com",
        "clientName": "Test Client",
        "kind": "course_purchase",
        "amount": 4900,
        "currency": "USD",
        "externalPaymentId": PAYMENT_INTENT,
        "failureCode": "card_declined",
        "failureMessage": "Your card was declined.",
        "attemptCount": 1,
        "nextAttemptAt": None,
        "failedAt": iso(1785405590),
    }


def test_a_declined_card_then_a_success(link, sale, deliver):
    # when the first card is declined, twice over, and the next one pays
    deliver(declined(link))
    deliver(declined(link))
    transaction_row = Transaction.objects.get()
    assert (transaction_row.status, transaction_row.attempt_count, transaction_row.failure_code) == (
        "failed",
        1,
        "card_declined",
    )
    deliver(sale["succeeded"])
    deliver(sale["checkout"])
    # then the failure and the completion were each published once
    transaction_row = Transaction.objects.get()
    assert transaction_row.status == "succeeded"
    assert events_of("billing.payment.failed") == [failed_payload(link, transaction_row)]
    assert len(events_of("billing.payment.completed")) == 1


def test_a_failure_reported_after_the_success_changes_nothing(link, sale, deliver):
    # given a completed payment
    deliver(sale["succeeded"])
    deliver(sale["checkout"])
    # when the earlier decline arrives late
    deliver(declined(link))
    # then the payment stays succeeded and no failure is published
    transaction_row = Transaction.objects.get()
    assert (transaction_row.status, transaction_row.attempt_count, transaction_row.failure_code) == (
        "succeeded",
        0,
        "",
    )
    assert events_of("billing.payment.failed") == []
    assert StripeEvent.objects.get(provider_event_id="evt_3NLCtestPaymentIntentFail1").outcome == "ignored"


def test_a_payment_billing_cannot_attribute_is_recorded_as_ignored(deliver):
    # given a payment intent with no metadata of ours (not from a payment link)
    deliver(stripe_event("payment_intent.succeeded"))
    deliver(stripe_event("payment_intent.payment_failed"))
    # then nothing is stored or published, and the reason is kept
    assert Transaction.objects.count() == 0
    assert published_events(context="billing") == []
    assert set(StripeEvent.objects.values_list("outcome", "note")) == {
        ("ignored", "a payment billing cannot attribute to a coach")
    }


def test_an_async_payment_failure_of_a_checkout_is_published(link, deliver):
    session = event_with("checkout.session.completed", metadata=link_metadata(link), payment_status="unpaid")
    deliver(session)
    assert Transaction.objects.get().status == "pending"
    assert published_events(context="billing") == []
    failed = {**session, "id": "evt_async_failed", "type": "checkout.session.async_payment_failed"}
    with time_machine.travel(datetime(2026, 7, 30, 12, tzinfo=UTC)):
        deliver(failed)
    (payload,) = events_of("billing.payment.failed")
    assert (payload["failureCode"], payload["clientEmail"], payload["attemptCount"]) == (
        "async_payment_failed",
        "client@example.com",
        1,
    )


# -- the old API version -----------------------------------------------------------------------------
def test_old_api_version_payments_are_read_too(link, deliver, fake_stripe):
    # given events of an endpoint still on 2020-08-27: the refund list is inside the charge
    metadata = link_metadata(link)
    checkout = event_with("checkout.session.completed", legacy=True, event_id="evt_legacy_cs", metadata=metadata)
    succeeded = event_with("payment_intent.succeeded", legacy=True, event_id="evt_legacy_pi", metadata=metadata)
    refunded = event_with(
        "charge.refunded", legacy=True, event_id="evt_legacy_ch", payment_intent="pi_000000000000000000000000"
    )
    checkout["data"]["object"]["payment_link"] = link.stripe_payment_link_id
    # when they arrive
    for event in (succeeded, checkout, refunded):
        deliver(event)
    # then the sale is read from the old shapes, without asking Stripe for refunds
    transaction_row = Transaction.objects.get()
    assert (transaction_row.status, transaction_row.amount, transaction_row.amount_refunded) == (
        "partially_refunded",
        2000,
        100,
    )
    assert transaction_row.stripe_charge_id == "ch_000000000000000000000000"
    assert fake_stripe.calls("GET", "/v1/refunds") == []
    completed = events_of("billing.payment.completed")
    refunded_events = events_of("billing.payment.refunded")
    assert [(p["clientEmail"], p["amount"]) for p in completed] == [("stripe@example.com", 2000)]
    assert [(p["externalRefundId"], p["amount"], p["fullRefund"]) for p in refunded_events] == [
        ("re_000000000000000000000000", 100, False)
    ]
    assert set(StripeEvent.objects.values_list("api_version", flat=True)) == {"2020-08-27"}
