"""Intake: stored once and published once whatever arrives twice; bad input is a clear 4xx, never a
500, and never touches what was already accepted."""

import json
import threading

import pytest
import time_machine
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client import REGISTRY

from contexts.integrations.models import WebhookEvent
from contexts.integrations.tests.factories import IntegrationConfigFactory
from contexts.integrations.tests.signing import fixture_bytes, stripe_event, stripe_signature
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["integrations"])

BODY = fixture_bytes("stripe/checkout.session.completed.json")


def counted(metric: str, **labels: str) -> float:
    """The process-wide counter's value now (0 before its first increment): tests compare before and after."""
    return REGISTRY.get_sample_value(metric, labels) or 0.0


def post(client, body=BODY, *, provider="stripe", signature=True, **extra):
    headers = {"HTTP_STRIPE_SIGNATURE": stripe_signature(body)} if signature else {}
    return client.post(f"/integrations/webhooks/{provider}", body, content_type="application/json", **headers, **extra)


def test_the_received_event_carries_the_verified_payload_per_its_contract(api_client, contracts):
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        response = post(api_client)
    event = WebhookEvent.objects.get()
    (published,) = published_events(context="integrations", event_type="integrations.webhook.received")
    assert response.status_code == 202
    assert published["producer"] == "integrations"
    assert published["source"] == "nlc/integrations"
    assert published["payload"] == {
        "webhookEventId": str(event.id),
        "provider": "stripe",
        "providerEventId": "evt_1NLCtestCheckoutCompleted01",
        "eventType": "checkout.session.completed",
        "coachId": None,
        "data": json.loads(BODY),
        "receivedAt": moment.isoformat().replace("+00:00", "Z"),
    }
    assert list(contracts("webhook.received").iter_errors(published["payload"])) == []


def test_a_duplicate_is_acknowledged_and_neither_stored_nor_published_again(api_client):
    # given a webhook that was stored
    stored_before = counted("nlc_webhooks_received_total", provider="stripe", outcome="stored")
    duplicates_before = counted("nlc_webhooks_received_total", provider="stripe", outcome="duplicate")
    first = post(api_client)
    # when Stripe sends the same event again (a retry, with a fresh signature)
    second = post(api_client)
    # then it is acknowledged as a duplicate of the stored one, and nothing else happens
    event = WebhookEvent.objects.get()
    assert first.status_code == 202
    assert second.status_code == 200
    assert second.json() == {"webhookEventId": str(event.id), "status": "received", "duplicate": True}
    assert len(published_events(context="integrations", event_type="integrations.webhook.received")) == 1
    assert counted("nlc_webhooks_received_total", provider="stripe", outcome="stored") - stored_before == 1
    assert counted("nlc_webhooks_received_total", provider="stripe", outcome="duplicate") - duplicates_before == 1


@pytest.mark.django_db(databases=["integrations"], transaction=True)
def test_two_deliveries_racing_each_other_store_one_row(api_client):
    # given two threads posting the same event at the same moment
    barrier = threading.Barrier(2)
    answers = []

    def deliver():
        from rest_framework.test import APIClient

        barrier.wait()
        try:
            answers.append(post(APIClient()).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one was stored and published, the other acknowledged as its duplicate
    assert sorted(answers) == [200, 202]
    assert WebhookEvent.objects.count() == 1
    assert len(published_events(context="integrations", event_type="integrations.webhook.received")) == 1


@pytest.mark.parametrize(
    ("body", "signature", "status", "code"),
    [
        (b"", False, 400, "body_missing"),
        (b"not json at all", True, 400, "body_invalid"),
        (b"[1, 2, 3]", True, 400, "body_invalid"),
        (b"\xff\xfe\x00", True, 400, "body_invalid"),
        (b'{"object": "event", "type": "checkout.session.completed"}', True, 400, "payload_invalid"),
        (b'{"id": "evt_1", "object": "event"}', True, 400, "payload_invalid"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_loses_nothing_already_accepted(api_client, body, signature, status, code):
    # given a webhook already accepted
    assert post(api_client).status_code == 202
    # when something malformed arrives
    if signature and body == b"\xff\xfe\x00":
        response = api_client.post(
            "/integrations/webhooks/stripe", body, content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=00"
        )
    else:
        response = post(api_client, body, signature=signature)
    # then it is refused, saying why, and the accepted one is untouched
    assert (response.status_code, response.json()["code"]) == (status, code), response.content
    assert WebhookEvent.objects.count() == 1
    assert len(published_events(context="integrations")) == 1


def test_an_unknown_provider_is_a_404_in_the_error_shape(api_client):
    before = counted("nlc_webhooks_rejected_total", provider="unknown", reason="provider_unknown")
    response = api_client.post("/integrations/webhooks/paypal", b"{}", content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "provider_unknown",
        "message": "No webhooks are taken for 'paypal': the providers are stripe, mailgun, calendly.",
        "fieldErrors": {},
    }
    assert counted("nlc_webhooks_rejected_total", provider="unknown", reason="provider_unknown") - before == 1


def test_a_body_larger_than_the_limit_is_a_413(api_client, settings):
    settings.INTEGRATIONS_WEBHOOKS = {**settings.INTEGRATIONS_WEBHOOKS, "MAX_BODY_BYTES": 1000}
    before = counted("nlc_webhooks_rejected_total", provider="stripe", reason="body_too_large")
    response = post(api_client)
    assert response.status_code == 413
    assert response.json() == {
        "status": 413,
        "code": "body_too_large",
        "message": "The body is larger than 1000 bytes.",
        "fieldErrors": {},
    }
    assert counted("nlc_webhooks_rejected_total", provider="stripe", reason="body_too_large") - before == 1
    assert WebhookEvent.objects.count() == 0


def test_a_turned_off_provider_answers_503_so_the_provider_retries_later(api_client):
    IntegrationConfigFactory(provider="stripe", enabled=False)
    before = counted("nlc_webhooks_rejected_total", provider="stripe", reason="provider_disabled")
    response = post(api_client)
    assert (response.status_code, response.json()["code"]) == (503, "provider_disabled")
    assert response.json()["message"] == "Webhooks from stripe are turned off."
    assert counted("nlc_webhooks_rejected_total", provider="stripe", reason="provider_disabled") - before == 1
    assert WebhookEvent.objects.count() == 0


def test_a_provider_without_any_secret_answers_503(api_client, settings):
    settings.STRIPE_WEBHOOK_SECRET = []
    response = post(api_client)
    assert (response.status_code, response.json()["code"]) == (503, "provider_not_configured")


def test_webhooks_are_throttled_per_ip_with_the_webhooks_scope(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "webhooks": "2/minute"},
    }
    answers = [post(api_client, stripe_event(f"evt_throttle{n}")).status_code for n in range(3)]
    assert answers == [202, 202, 429]
    assert WebhookEvent.objects.count() == 2


def test_intake_reads_the_config_once_per_cache_period(api_client):
    # given the config was read by a first webhook
    IntegrationConfigFactory(provider="stripe")
    post(api_client, stripe_event("evt_warm"))
    # when the next arrives
    with CaptureQueriesContext(connections["integrations"]) as queries:
        assert post(api_client, stripe_event("evt_second")).status_code == 202
    # then it costs the webhook insert, the outbox insert and the relay's NOTIFY, in one transaction
    # (a savepoint here, inside the test's transaction), and no config query
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert statements == ["SAVEPOINT", "INSERT", "INSERT", "SELECT", "RELEASE"]
    assert "pg_notify" in queries.captured_queries[3]["sql"]


def test_a_saved_config_applies_at_once(api_client):
    from contexts.integrations import services

    config = IntegrationConfigFactory(provider="stripe")
    assert post(api_client, stripe_event("evt_before")).status_code == 202
    config.enabled = False
    services.integration_config_save(config=config)
    assert post(api_client, stripe_event("evt_after")).status_code == 503
