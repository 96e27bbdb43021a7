"""The admin API: received webhooks listed, shown and replayed, by admins only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contexts.integrations.tests.factories import MailgunWebhookEventFactory, WebhookEventFactory
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["integrations"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/integrations/webhooks"),
        ("get", "/integrations/webhooks/{id}"),
        ("post", "/integrations/webhooks/{id}/replay"),
    ],
)
def test_only_admins_reach_the_webhook_api(api_client, coach_client, method, path):
    event = WebhookEventFactory()
    url = path.format(id=event.id)
    anonymous = getattr(api_client, method)(url)
    coach = getattr(coach_client, method)(url)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    assert (coach.status_code, coach.json()["code"]) == (403, "admin_only")
    event.refresh_from_db()
    assert event.replay_count == 0
    assert published_events(context="integrations") == []


def test_an_admin_lists_webhooks_newest_first_filtered_and_paginated(admin_client, django_assert_max_num_queries):
    # given webhooks of two providers, statuses and times
    now = timezone.now()
    old = WebhookEventFactory(received_at=now - timedelta(days=3), status="failed", attempts=6, last_error="away")
    stripe = [WebhookEventFactory(received_at=now - timedelta(minutes=n)) for n in range(3)]
    MailgunWebhookEventFactory(received_at=now - timedelta(minutes=10), status="processed")
    # when an admin reads them
    with django_assert_max_num_queries(2, using="integrations"):
        everything = admin_client.get("/integrations/webhooks", {"pageSize": 2})
    failed = admin_client.get("/integrations/webhooks", {"provider": "stripe", "status": "failed"})
    recent = admin_client.get("/integrations/webhooks", {"since": (now - timedelta(days=1)).isoformat()})
    mailgun = admin_client.get("/integrations/webhooks", {"provider": "mailgun"})
    bad = admin_client.get("/integrations/webhooks", {"status": "lost", "since": "yesterday"})
    # then
    assert everything.status_code == 200
    assert everything.json()["count"] == 5
    assert [row["id"] for row in everything.json()["results"]] == [str(stripe[0].id), str(stripe[1].id)]
    assert everything.json()["next"].endswith("page=2&pageSize=2")
    assert [row["id"] for row in failed.json()["results"]] == [str(old.id)]
    assert failed.json()["results"][0] == {
        "id": str(old.id),
        "provider": "stripe",
        "providerEventId": old.provider_event_id,
        "eventType": "checkout.session.completed",
        "coachId": None,
        "status": "failed",
        "attempts": 6,
        "lastError": "away",
        "nextAttemptAt": None,
        "receivedAt": old.received_at.isoformat().replace("+00:00", "Z"),
        "processedAt": None,
        "replayCount": 0,
        "lastReplayedAt": None,
    }
    assert recent.json()["count"] == 4
    assert [row["eventType"] for row in mailgun.json()["results"]] == ["delivered"]
    assert (bad.status_code, sorted(bad.json()["fieldErrors"])) == (400, ["since", "status"])


def test_an_admin_reads_one_webhook_with_its_body(admin_client):
    event = WebhookEventFactory()
    response = admin_client.get(f"/integrations/webhooks/{event.id}")
    assert response.status_code == 200
    assert response.json()["body"] == event.body
    assert response.json()["data"]["id"] == event.provider_event_id
    assert response.json()["headers"] == {"Content-Type": "application/json"}
    missing = admin_client.get("/integrations/webhooks/00000000-0000-4000-8000-000000000000")
    assert (missing.status_code, missing.json()["code"]) == (404, "webhook_event_not_found")


def test_an_admin_replays_a_webhook(admin_client):
    event = WebhookEventFactory(status="failed", attempts=6)
    response = admin_client.post(f"/integrations/webhooks/{event.id}/replay")
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["attempts"], response.json()["replayCount"]) == (
        "received",
        0,
        1,
    )
    (replayed,) = published_events(context="integrations", event_type="integrations.webhook.received")
    assert replayed["payload"]["webhookEventId"] == str(event.id)
    missing = admin_client.post("/integrations/webhooks/00000000-0000-4000-8000-000000000000/replay")
    assert (missing.status_code, missing.json()["code"]) == (404, "webhook_event_not_found")


def test_reading_a_webhook_path_with_get_is_a_405_not_an_intake(admin_client):
    response = admin_client.get("/integrations/webhooks/stripe")
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
