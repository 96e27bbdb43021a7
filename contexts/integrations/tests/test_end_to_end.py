"""End to end over real PostgreSQL and RabbitMQ: a signed Stripe checkout.session.completed posted to
/integrations/webhooks/stripe travels on the domain bus as integrations.webhook.received, and its raw
body reaches a consumer of the fanout exchange nlc.integrations.webhooks."""

import json

import pytest
from django.conf import settings

from contexts.integrations.models import WebhookEvent
from contexts.integrations.tests.signing import fixture_bytes, stripe_signature

BODY = fixture_bytes("stripe/checkout.session.completed.json")


@pytest.mark.skipif(not settings.BROKER_URL, reason="needs RabbitMQ")
@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_signed_checkout_reaches_the_bus_and_the_raw_webhook_consumers(api_client, event_bus, fanout_queue):
    # when Stripe posts a signed checkout.session.completed
    response = api_client.post(
        "/integrations/webhooks/stripe",
        BODY,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(BODY),
        HTTP_TRACEPARENT="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    assert response.status_code == 202
    webhook_event_id = response.json()["webhookEventId"]
    # then integrations.webhook.received travels on the domain bus, for billing to act on
    received = event_bus.wait_for("integrations.webhook.received", webhookEventId=webhook_event_id)
    assert received["traceId"] == "0af7651916cd43dd8448eb211c80319c"
    assert (received["payload"]["providerEventId"], received["payload"]["eventType"]) == (
        "evt_1NLCtestCheckoutCompleted01",
        "checkout.session.completed",
    )
    assert received["payload"]["data"] == json.loads(BODY)
    # and our consumer hands the raw body off to the fanout exchange, byte for byte
    event_bus.consume(contexts=["integrations"])
    (message,) = fanout_queue.messages(1)
    assert message.body == BODY
    assert message.properties["message_id"] == webhook_event_id
    assert message.headers["x-nlc-provider"] == "stripe"
    assert message.headers["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    # and the webhook is processed, which travels too
    processed = event_bus.wait_for("integrations.webhook.processed", webhookEventId=webhook_event_id)
    assert processed["payload"]["attempts"] == 1
    assert WebhookEvent.objects.get().status == "processed"
