"""manage.py webhooks: list, show, replay one or many, retry-due."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from contexts.integrations.tests.factories import MailgunWebhookEventFactory, WebhookEventFactory
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["integrations"])


def run(*args) -> str:
    out = StringIO()
    call_command("webhooks", *args, stdout=out)
    return out.getvalue()


def test_list_filters_by_provider_and_status():
    failed = WebhookEventFactory(status="failed", attempts=6, last_error="broker away")
    WebhookEventFactory(status="processed")
    MailgunWebhookEventFactory(status="failed")
    output = run("list", "--provider", "stripe", "--status", "failed")
    lines = output.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(str(failed.id))
    assert "failed" in lines[0]
    assert "attempts=6" in lines[0]
    assert "error='broker away'" in lines[0]
    assert lines[1] == "1 of 1 webhook(s)"


def test_show_prints_one_webhook_as_json():
    import json

    event = WebhookEventFactory()
    shown = json.loads(run("show", str(event.id)))
    assert (shown["id"], shown["status"], shown["data"]["id"]) == (str(event.id), "received", event.provider_event_id)
    with pytest.raises(CommandError, match="no webhook event"):
        run("show", "00000000-0000-4000-8000-000000000000")


def test_replay_one_by_id():
    event = WebhookEventFactory(status="failed")
    assert run("replay", str(event.id)).strip() == f"replayed {event.id}"
    event.refresh_from_db()
    assert (event.status, event.replay_count) == ("received", 1)


def test_replay_every_failed_webhook_of_a_provider_since_a_time():
    # given failed Stripe webhooks before and after the cut, and others that must not move
    now = timezone.now()
    before = WebhookEventFactory(status="failed", received_at=now - timedelta(days=2))
    after = [WebhookEventFactory(status="failed", received_at=now - timedelta(hours=n)) for n in (2, 1)]
    processed = WebhookEventFactory(status="processed", received_at=now - timedelta(hours=1))
    mailgun = MailgunWebhookEventFactory(status="failed", received_at=now - timedelta(hours=1))
    # when
    output = run(
        "replay", "--provider", "stripe", "--status", "failed", "--since", (now - timedelta(days=1)).isoformat()
    )
    # then only those were replayed, oldest first
    assert output.strip().splitlines() == [
        f"replayed {after[0].id}",
        f"replayed {after[1].id}",
        "2 webhook(s) replayed",
    ]
    replayed = published_events(context="integrations", event_type="integrations.webhook.received")
    assert [event["payload"]["webhookEventId"] for event in replayed] == [str(after[0].id), str(after[1].id)]
    for untouched in (before, processed, mailgun):
        untouched.refresh_from_db()
        assert untouched.replay_count == 0


def test_replay_needs_an_id_or_a_filter():
    with pytest.raises(CommandError, match="needs an id"):
        run("replay")
    with pytest.raises(CommandError, match="not an ISO-8601 time"):
        run("replay", "--since", "last tuesday")


def test_retry_due_hands_off_overdue_webhooks(settings):
    settings.BROKER_URL = ""  # nothing to hand off to: processed at once
    WebhookEventFactory(attempts=1, next_attempt_at=timezone.now() - timedelta(minutes=1))
    assert run("retry-due").strip() == "1 webhook(s) handed off again"
