"""Every provider's signature over HTTP: what passes is stored and published, what fails is a 4xx
that says why, is counted, and leaves nothing behind (no row, no event)."""

import json
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from prometheus_client import REGISTRY

from contexts.integrations import services
from contexts.integrations.models import WebhookEvent
from contexts.integrations.tests.factories import IntegrationConfigFactory
from contexts.integrations.tests.signing import (
    CALENDLY_KEY,
    MAILGUN_KEY,
    STRIPE_OLD_SECRET,
    STRIPE_SECRET,
    calendly_signature,
    fixture_bytes,
    fixture_json,
    mailgun_body,
    stripe_signature,
)
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["integrations"])

STRIPE_BODY = fixture_bytes("stripe/checkout.session.completed.json")
CALENDLY_BODY = fixture_bytes("calendly/invitee.created.json")
MAILGUN_EVENT = fixture_json("mailgun/delivered.json")["event-data"]


def post_stripe(client, body=STRIPE_BODY, signature=None, **headers):
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.post("/integrations/webhooks/stripe", body, content_type="application/json", **headers)


def post_calendly(client, body=CALENDLY_BODY, signature=None):
    headers = {"HTTP_CALENDLY_WEBHOOK_SIGNATURE": signature} if signature is not None else {}
    return client.post("/integrations/webhooks/calendly", body, content_type="application/json", **headers)


def post_mailgun(client, body):
    return client.post("/integrations/webhooks/mailgun", body, content_type="application/json")


def rejected_count(provider: str, reason: str) -> float:
    return REGISTRY.get_sample_value("nlc_webhooks_rejected_total", {"provider": provider, "reason": reason}) or 0.0


def assert_refused(response, status: int, code: str) -> None:
    assert (response.status_code, response.json()["code"]) == (status, code), response.content
    assert set(response.json()) == {"status", "code", "message", "fieldErrors"}
    assert WebhookEvent.objects.count() == 0
    assert published_events(context="integrations") == []


# --- Stripe ------------------------------------------------------------------------------------


def test_a_signed_stripe_event_is_stored_and_acknowledged(api_client):
    response = post_stripe(api_client, signature=stripe_signature(STRIPE_BODY))
    event = WebhookEvent.objects.get()
    assert response.status_code == 202
    assert response.json() == {"webhookEventId": str(event.id), "status": "received", "duplicate": False}
    assert (event.provider, event.provider_event_id, event.event_type, event.status, event.attempts) == (
        "stripe",
        "evt_1NLCtestCheckoutCompleted01",
        "checkout.session.completed",
        "received",
        0,
    )
    assert event.body.encode() == STRIPE_BODY
    assert set(event.headers) == {"Stripe-Signature", "Content-Type"}


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("wrong_secret", 400, "signature_invalid"),
        ("tampered_body", 400, "signature_invalid"),
        ("stale_timestamp", 400, "timestamp_stale"),
        ("future_timestamp", 400, "timestamp_future"),
        ("missing_header", 400, "signature_missing"),
        ("garbage_header", 400, "signature_malformed"),
    ],
)
def test_a_bad_stripe_signature_is_refused_counted_and_nothing_is_kept(api_client, case, status, code):
    # given
    now = int(time.time())
    signature = {
        "wrong_secret": stripe_signature(STRIPE_BODY, "whsec_someone_else"),
        "tampered_body": stripe_signature(STRIPE_BODY),
        "stale_timestamp": stripe_signature(STRIPE_BODY, t=now - 301),
        "future_timestamp": stripe_signature(STRIPE_BODY, t=now + 120),
        "missing_header": None,
        "garbage_header": "i'm not even a real signature header",
    }[case]
    body = (
        STRIPE_BODY.replace(b'"amount_total": 4900', b'"amount_total": 1') if case == "tampered_body" else STRIPE_BODY
    )
    before = rejected_count("stripe", code)
    # when
    response = post_stripe(api_client, body, signature)
    # then
    assert_refused(response, status, code)
    assert rejected_count("stripe", code) == before + 1


def test_a_stripe_signature_just_inside_the_window_passes(api_client):
    now = int(time.time())
    assert post_stripe(api_client, signature=stripe_signature(STRIPE_BODY, t=now - 290)).status_code == 202


# --- Mailgun -----------------------------------------------------------------------------------


def test_a_signed_mailgun_event_is_stored_with_its_coach(api_client):
    event_data = fixture_json("mailgun/opened_with_user_variables.json")["event-data"]
    response = post_mailgun(api_client, mailgun_body(event_data, token="a" * 50))
    event = WebhookEvent.objects.get()
    assert response.status_code == 202
    assert (event.provider, event.provider_event_id, event.event_type, str(event.coach_id)) == (
        "mailgun",
        "-laxIqj9QWubsjY_3pTq_g",
        "opened",
        "00000000-0000-4000-8000-00000000c0ac",
    )
    assert event.signature_token == "a" * 50


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("wrong_key", "signature_invalid"),
        ("stale_timestamp", "timestamp_stale"),
        ("future_timestamp", "timestamp_future"),
        ("missing_signature", "signature_missing"),
        ("signature_not_an_object", "signature_malformed"),
        ("no_event_data", "payload_invalid"),
    ],
)
def test_a_bad_mailgun_signature_is_refused_and_nothing_is_kept(api_client, case, code):
    now = int(time.time())
    body = {
        "wrong_key": lambda: mailgun_body(MAILGUN_EVENT, "not-the-key"),
        "stale_timestamp": lambda: mailgun_body(MAILGUN_EVENT, t=now - 301),
        "future_timestamp": lambda: mailgun_body(MAILGUN_EVENT, t=now + 120),
        "missing_signature": lambda: json.dumps({"event-data": MAILGUN_EVENT}).encode(),
        "signature_not_an_object": lambda: json.dumps({"signature": "x", "event-data": MAILGUN_EVENT}).encode(),
        "no_event_data": lambda: json.dumps({"signature": json.loads(mailgun_body({}))["signature"]}).encode(),
    }[case]()
    assert_refused(post_mailgun(api_client, body), 400, code)


def test_a_replayed_mailgun_token_with_other_event_data_is_refused(api_client):
    # given a delivered webhook, accepted
    genuine = mailgun_body(MAILGUN_EVENT, token="b" * 50)
    assert post_mailgun(api_client, genuine).status_code == 202
    # when its signature (which does not cover event-data) comes again with forged data
    forged = json.loads(genuine)
    forged["event-data"] = {**MAILGUN_EVENT, "id": "forged-event-id", "event": "complained"}
    before = rejected_count("mailgun", "token_reused")
    response = post_mailgun(api_client, json.dumps(forged).encode())
    # then it is refused, counted, and only the genuine webhook is kept and published
    assert (response.status_code, response.json()["code"]) == (400, "token_reused")
    assert rejected_count("mailgun", "token_reused") == before + 1
    assert list(WebhookEvent.objects.values_list("provider_event_id", flat=True)) == [MAILGUN_EVENT["id"]]
    assert len(published_events(context="integrations", event_type="integrations.webhook.received")) == 1


def test_the_same_mailgun_webhook_again_is_a_duplicate_not_a_replay(api_client):
    # Mailgun retries a delivery it did not see acknowledged with the same body: answer 200 so it stops.
    body = mailgun_body(MAILGUN_EVENT, token="c" * 50)
    first, second = post_mailgun(api_client, body), post_mailgun(api_client, body)
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json()["duplicate"] is True
    assert WebhookEvent.objects.count() == 1


# --- Calendly ----------------------------------------------------------------------------------


def test_a_signed_calendly_event_is_stored_with_the_coach_of_its_owner(api_client):
    # given the coach that owns the Calendly user which made the webhook subscription
    coach_id = "7d3c2b1a-0000-4000-8000-0000000000aa"
    IntegrationConfigFactory(
        provider="calendly",
        secret=CALENDLY_KEY,
        settings={"coachIdByOwner": {"https://api.calendly.com/users/AAAAAAAAAAAAAAAA": coach_id}},
    )
    # when
    response = post_calendly(api_client, signature=calendly_signature(CALENDLY_BODY))
    # then
    event = WebhookEvent.objects.get()
    assert response.status_code == 202
    assert (event.provider_event_id, event.event_type, str(event.coach_id)) == (
        "invitee.created:https://api.calendly.com/scheduled_events/AAAAAAAAAAAAAAAA/invitees/AAAAAAAAAAAAAAAA",
        "invitee.created",
        coach_id,
    )


def test_a_calendly_cancellation_of_the_same_invitee_is_another_event(api_client):
    canceled = fixture_bytes("calendly/invitee.canceled.json")
    assert post_calendly(api_client, signature=calendly_signature(CALENDLY_BODY)).status_code == 202
    assert post_calendly(api_client, canceled, signature=calendly_signature(canceled)).status_code == 202
    assert sorted(WebhookEvent.objects.values_list("event_type", flat=True)) == ["invitee.canceled", "invitee.created"]


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("wrong_key", "signature_invalid"),
        ("tampered_body", "signature_invalid"),
        ("stale_timestamp", "timestamp_stale"),
        ("future_timestamp", "timestamp_future"),
        ("missing_header", "signature_missing"),
        ("no_v1", "signature_malformed"),
    ],
)
def test_a_bad_calendly_signature_is_refused_and_nothing_is_kept(api_client, case, code):
    now = int(time.time())
    signature = {
        "wrong_key": calendly_signature(CALENDLY_BODY, "not-the-key"),
        "tampered_body": calendly_signature(CALENDLY_BODY),
        "stale_timestamp": calendly_signature(CALENDLY_BODY, t=now - 181),
        "future_timestamp": calendly_signature(CALENDLY_BODY, t=now + 120),
        "missing_header": None,
        "no_v1": f"t={now}",
    }[case]
    body = CALENDLY_BODY.replace(b"test@example.com", b"evil@example.com") if case == "tampered_body" else CALENDLY_BODY
    assert_refused(post_calendly(api_client, body, signature), 400, code)


def test_calendly_needs_a_signing_key(api_client, settings):
    # A subscription without a signing key sends unsigned webhooks: we take none.
    settings.CALENDLY_WEBHOOK_SIGNING_KEY = []
    assert_refused(
        post_calendly(api_client, signature=calendly_signature(CALENDLY_BODY)), 503, "provider_not_configured"
    )


# --- Rotation ----------------------------------------------------------------------------------


def test_during_a_rotation_both_secrets_pass_and_the_old_one_stops_at_its_expiry(api_client, settings):
    # given a config whose secret was rotated: the old one stays valid for a day
    settings.STRIPE_WEBHOOK_SECRET = []
    config = IntegrationConfigFactory(provider="stripe", secret=STRIPE_OLD_SECRET)

    rotated_at = timezone.now()
    with time_machine.travel(rotated_at, tick=False):
        services.integration_config_save(config=config, new_signing_secret=STRIPE_SECRET)
    expires_at = config.previous_signing_secret_expires_at
    assert expires_at == rotated_at + timedelta(hours=24)
    # when webhooks signed with either arrive during the overlap, then both pass
    first = fixture_bytes("stripe/checkout.session.completed.json")
    second = fixture_bytes("stripe/invoice.paid.json")
    assert post_stripe(api_client, first, stripe_signature(first, STRIPE_SECRET)).status_code == 202
    assert post_stripe(api_client, second, stripe_signature(second, STRIPE_OLD_SECRET)).status_code == 202
    # and after the expiry only the new one does
    later = expires_at + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        third = fixture_bytes("stripe/invoice.paid.json").replace(b"evt_", b"evt_late", 1)
        old = post_stripe(api_client, third, stripe_signature(third, STRIPE_OLD_SECRET))
        new = post_stripe(api_client, third, stripe_signature(third, STRIPE_SECRET))
    assert (old.status_code, old.json()["code"]) == (400, "signature_invalid")
    assert new.status_code == 202
    assert WebhookEvent.objects.count() == 3


def test_two_comma_separated_secrets_in_the_environment_are_both_valid(api_client, settings):
    # STRIPE_WEBHOOK_SECRET="whsec_new,whsec_old" (env.list)
    settings.STRIPE_WEBHOOK_SECRET = [STRIPE_SECRET, STRIPE_OLD_SECRET]
    first = fixture_bytes("stripe/checkout.session.completed.json")
    second = fixture_bytes("stripe/invoice.paid.json")
    assert post_stripe(api_client, first, stripe_signature(first, STRIPE_SECRET)).status_code == 202
    assert post_stripe(api_client, second, stripe_signature(second, STRIPE_OLD_SECRET)).status_code == 202
    settings.MAILGUN_WEBHOOK_SIGNING_KEY = ["new-mailgun-key", MAILGUN_KEY]
    assert post_mailgun(api_client, mailgun_body(MAILGUN_EVENT, "new-mailgun-key")).status_code == 202
