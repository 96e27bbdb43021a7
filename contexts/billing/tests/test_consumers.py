"""Billing's consumer of integrations.webhook.received: Stripe's events only, each applied once
however often it arrives, a broken one dead-lettered, a Stripe outage retried."""

import pytest
from django.db import transaction

from contexts.billing.models import Refund, StripeEvent, Transaction
from contexts.billing.tests.conftest import webhook_received
from contexts.billing.tests.factories import PaymentLinkFactory
from contexts.billing.tests.stripe_fixtures import event_with, stripe_event, stripe_object
from nlc.errors import ProviderError
from nlc.events import DeadLetterError, publish
from nlc.events.backends import replay
from nlc.events.dispatch import dispatch
from nlc.events.models import InboxEntry
from nlc.events.testing import published_events


@pytest.fixture
def link(db):
    return PaymentLinkFactory(stripe_payment_link_id="plink_NLCtestPayLink0001")


def checkout(link) -> dict:
    return event_with(
        "checkout.session.completed",
        metadata={"coachId": str(link.coach_id), "courseId": str(link.course_id), "paymentLinkId": str(link.id)},
    )


@pytest.mark.django_db(databases=["billing"])
def test_other_providers_webhooks_are_not_billings(deliver):
    deliver(envelope=webhook_received({"event-data": {"event": "delivered"}}, provider="mailgun"))
    assert StripeEvent.objects.count() == 0


@pytest.mark.django_db(databases=["billing"])
@pytest.mark.parametrize(
    "data",
    [
        {"object": "list"},
        {"object": "event", "id": "evt_1", "type": "x"},
        {"object": "event", "type": "x", "created": 1},
    ],
    ids=["not an event", "no object", "no id"],
)
def test_a_payload_that_is_no_stripe_event_is_dead_lettered_at_once(data, deliver):
    with pytest.raises(DeadLetterError, match="webhook"):
        deliver(data)
    assert StripeEvent.objects.count() == 0


@pytest.mark.django_db(databases=["billing"])
def test_an_event_type_billing_does_not_act_on_is_recorded_as_ignored(deliver):
    # invoice.upcoming's invoice has no id yet: no reason to dead-letter what billing does not read
    upcoming = {**stripe_event("invoice.paid"), "id": "evt_upcoming", "type": "invoice.upcoming"}
    upcoming["data"] = {"object": {**upcoming["data"]["object"], "id": None}}
    deliver(upcoming)
    record = StripeEvent.objects.get()
    assert (record.outcome, record.note) == ("ignored", "billing does not act on invoice.upcoming")


@pytest.mark.django_db(databases=["billing"])
def test_the_same_bus_event_twice_is_applied_once(link, deliver):
    envelope = deliver(checkout(link))
    assert dispatch("billing", envelope) == 0
    assert Transaction.objects.count() == 1
    assert len(published_events(context="billing", event_type="billing.payment.completed")) == 1


@pytest.mark.django_db(databases=["billing"])
def test_the_same_stripe_event_replayed_under_a_new_bus_event_is_applied_once(link, deliver):
    # integrations replaying a stored webhook publishes a new integrations.webhook.received
    deliver(checkout(link))
    deliver(checkout(link))
    assert InboxEntry.objects.using("billing").count() == 2
    assert StripeEvent.objects.count() == 1
    assert Transaction.objects.count() == 1
    assert len(published_events(context="billing", event_type="billing.payment.completed")) == 1


@pytest.mark.django_db(databases=["billing"])
def test_stripe_unreachable_while_asking_for_refunds_fails_the_delivery_for_a_retry(link, deliver, fake_stripe):
    deliver(checkout(link))
    refunded = stripe_event("charge.refunded")
    # when Stripe fails while billing asks for the charge's refunds
    fake_stripe.fail(status=503)
    envelope = webhook_received(refunded)
    with pytest.raises(ProviderError) as failure:
        deliver(envelope=envelope)
    assert (failure.value.provider, failure.value.retryable) == ("stripe", True)
    # then nothing was applied, not even the claim on the Stripe event
    assert not StripeEvent.objects.filter(provider_event_id=refunded["id"]).exists()
    assert Transaction.objects.get().status == "succeeded"
    # and the retried delivery applies it
    fake_stripe.refunds_by_charge["ch_NLCtestCharge000001"] = [stripe_object("refund")]
    deliver(envelope=envelope)
    assert (Transaction.objects.get().status, Refund.objects.count()) == ("refunded", 1)


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_over_rabbitmq_a_stripe_event_is_applied_once_however_often_it_is_delivered(link, event_bus):
    # given integrations publishing a verified Stripe webhook
    with transaction.atomic(using="integrations"):
        envelope = publish("integrations.webhook.received", webhook_received(checkout(link))["payload"])
    # when the bus carries it, and RabbitMQ delivers the same message twice more
    event_bus.settle()
    completed = event_bus.wait_for("billing.payment.completed", paymentLinkId=str(link.id))
    replay("billing", [envelope, envelope])
    event_bus.settle()
    # then billing applied it once
    assert completed["payload"]["clientEmail"] == "client@example.com"
    assert Transaction.objects.count() == 1
    assert InboxEntry.objects.using("billing").filter(event_id=envelope["eventId"]).count() == 1
    assert len(published_events(context="billing", event_type="billing.payment.completed")) == 1
