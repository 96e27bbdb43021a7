"""The hand-off: the raw body to the fanout exchange, processed or retried with backoff and then
failed, each outcome published per its contract."""

from datetime import timedelta

import pytest
import time_machine
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from contexts.integrations import selectors, services, tasks
from contexts.integrations.models import WebhookEvent
from contexts.integrations.tests.factories import WebhookEventFactory
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["integrations"])


def as_published(moment) -> str:
    """A time as publish() writes it (DjangoJSONEncoder: milliseconds)."""
    return DjangoJSONEncoder().default(moment)


@pytest.fixture
def scheduled(monkeypatch):
    """The retries the hand-off schedules (webhook event id, delay in seconds)."""
    calls = []
    monkeypatch.setattr(services, "_retry_schedule", lambda webhook_event_id, delay: calls.append(delay))
    return calls


@pytest.fixture
def few_attempts(settings):
    settings.INTEGRATIONS_WEBHOOKS = {**settings.INTEGRATIONS_WEBHOOKS, "MAX_ATTEMPTS": 3, "RETRY_BASE_SECONDS": 30}


def test_a_handed_off_webhook_is_on_the_fanout_exchange_and_processed(fanout_queue, contracts):
    # given a stored webhook
    event = WebhookEventFactory(coach_id="00000000-0000-4000-8000-00000000c0ac")
    moment = timezone.now().replace(microsecond=0)
    # when it is handed off
    with time_machine.travel(moment, tick=False):
        services.webhook_hand_off(webhook_event_id=event.id)
    # then its raw body is on the fanout exchange, saying what it is
    (message,) = fanout_queue.messages(1)
    assert message.body == event.body.encode()
    assert (message.properties["message_id"], message.properties["type"]) == (str(event.id), event.event_type)
    assert message.headers == {
        "x-nlc-provider": "stripe",
        "x-nlc-provider-event-id": event.provider_event_id,
        "x-nlc-webhook-event-id": str(event.id),
        "x-nlc-received-at": event.received_at.isoformat(),
        "x-nlc-coach-id": "00000000-0000-4000-8000-00000000c0ac",
    }
    # and it is processed, which is published
    event.refresh_from_db()
    assert (event.status, event.attempts, event.processed_at, event.next_attempt_at) == ("processed", 1, moment, None)
    (processed,) = published_events(context="integrations", event_type="integrations.webhook.processed")
    assert processed["payload"] == {
        "webhookEventId": str(event.id),
        "provider": "stripe",
        "providerEventId": event.provider_event_id,
        "eventType": "checkout.session.completed",
        "attempts": 1,
        "receivedAt": as_published(event.received_at),
        "processedAt": as_published(moment),
    }
    assert list(contracts("webhook.processed").iter_errors(processed["payload"])) == []


def test_a_failing_hand_off_is_retried_with_backoff_then_fails_for_good(
    dead_broker, scheduled, few_attempts, contracts, django_capture_on_commit_callbacks
):
    # given a stored webhook and a broker that is away
    event = WebhookEventFactory()
    start = timezone.now().replace(microsecond=0)
    # when every attempt fails: the first from the consumer, the next from the retry task when due
    moments = [start, start + timedelta(seconds=30), start + timedelta(seconds=90)]
    for moment in moments:
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(using="integrations", execute=True),
        ):
            tasks.webhook_hand_off_retry(str(event.id))
    # then it waited 30 s then 60 s, and after the third attempt it is failed, with no retry left
    assert scheduled == [30.0, 60.0]
    event.refresh_from_db()
    assert (event.status, event.attempts, event.next_attempt_at, event.processed_at) == ("failed", 3, None, None)
    assert "Connection refused" in event.last_error
    failures = published_events(context="integrations", event_type="integrations.webhook.failed")
    assert [(f["payload"]["attempts"], f["payload"]["willRetry"], f["payload"]["nextAttemptAt"]) for f in failures] == [
        (1, True, as_published(moments[1])),
        (2, True, as_published(moments[2])),
        (3, False, None),
    ]
    assert [f["payload"]["failedAt"] for f in failures] == [as_published(moment) for moment in moments]
    for failure in failures:
        assert failure["payload"]["reason"] == event.last_error
        assert list(contracts("webhook.failed").iter_errors(failure["payload"])) == []
    assert published_events(context="integrations", event_type="integrations.webhook.processed") == []


def test_a_retry_that_succeeds_processes_the_webhook(scheduled, fanout_queue, django_capture_on_commit_callbacks):
    # given a webhook whose first hand-off failed
    from contexts.integrations import handoff
    from nlc.events.broker import ConfirmingPublisher

    event = WebhookEventFactory()
    handoff._local.publisher = ConfirmingPublisher("amqp://guest:guest@127.0.0.1:9//")
    with django_capture_on_commit_callbacks(using="integrations", execute=True):
        services.webhook_hand_off(webhook_event_id=event.id)
    handoff._local.__dict__.clear()  # the broker is back
    event.refresh_from_db()
    # when its retry comes, when due
    with time_machine.travel(event.next_attempt_at, tick=False):
        tasks.webhook_hand_off_retry(str(event.id))
    # then it is processed after two attempts and the body was handed off once
    event.refresh_from_db()
    assert (event.status, event.attempts, event.last_error, event.next_attempt_at) == ("processed", 2, "", None)
    assert len(fanout_queue.messages(1)) == 1
    (processed,) = published_events(context="integrations", event_type="integrations.webhook.processed")
    assert processed["payload"]["attempts"] == 2


def test_a_retry_before_it_is_due_or_after_the_outcome_changes_nothing(fanout_queue):
    # given one webhook waiting for its retry, one processed and one failed
    waiting = WebhookEventFactory(attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=1))
    processed = WebhookEventFactory(status="processed", attempts=1)
    failed = WebhookEventFactory(status="failed", attempts=6)
    # when retry tasks for them run (early, or late and doubled)
    for event in (waiting, processed, failed):
        tasks.webhook_hand_off_retry(str(event.id))
    # then nothing moved
    assert sorted(WebhookEvent.objects.values_list("status", "attempts")) == [
        ("failed", 6),
        ("processed", 1),
        ("received", 1),
    ]
    assert published_events(context="integrations") == []
    assert fanout_queue.messages(1, timeout=0.3) == []


def test_the_retry_is_enqueued_with_its_backoff_as_countdown(monkeypatch):
    calls = []

    class Celery:
        def send_task(self, name, **options):
            calls.append((name, options))

    monkeypatch.setattr(services, "current_app", Celery())
    services._retry_schedule("4b1ae303-0000-4000-8000-000000000001", 60.0)
    assert calls == [
        (
            "integrations.webhook_hand_off_retry",
            {"args": ["4b1ae303-0000-4000-8000-000000000001"], "countdown": 60.0},
        )
    ]
    assert tasks.webhook_hand_off_retry.name == services.WEBHOOK_HAND_OFF_RETRY_TASK


def test_overdue_retries_are_found_by_the_safety_net(fanout_queue):
    # given a webhook whose retry task was lost, and one not due yet
    now = timezone.now()
    overdue = WebhookEventFactory(attempts=1, next_attempt_at=now - timedelta(minutes=5))
    later = WebhookEventFactory(attempts=1, next_attempt_at=now + timedelta(minutes=5))
    # when the periodic task runs
    handed_off = tasks.webhook_retry_due()
    # then only the overdue one was handed off
    assert handed_off == 1
    overdue.refresh_from_db()
    later.refresh_from_db()
    assert (overdue.status, later.status) == ("processed", "received")
    assert [m.properties["message_id"] for m in fanout_queue.messages(1)] == [str(overdue.id)]


def test_without_a_broker_there_is_nothing_to_hand_off_to(settings):
    # The inline backend (development) delivers events in-process; there is no fanout exchange.
    settings.BROKER_URL = ""
    event = WebhookEventFactory()
    services.webhook_hand_off(webhook_event_id=event.id)
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("processed", 1)


def test_a_replay_hands_the_same_webhook_on_again(contracts):
    # given a webhook that failed for good
    event = WebhookEventFactory(status="failed", attempts=6, last_error="broker away")
    moment = timezone.now().replace(microsecond=0)
    # when it is replayed
    with time_machine.travel(moment, tick=False):
        services.webhook_replay(webhook_event_id=event.id)
    # then the hand-off starts over and the owning context gets integrations.webhook.received again
    event.refresh_from_db()
    assert (event.status, event.attempts, event.last_error, event.replay_count, event.last_replayed_at) == (
        "received",
        0,
        "",
        1,
        moment,
    )
    (replayed,) = published_events(context="integrations", event_type="integrations.webhook.received")
    assert replayed["source"] == "nlc/integrations/replay"
    assert replayed["payload"]["webhookEventId"] == str(event.id)
    assert replayed["payload"]["data"] == selectors.webhook_event_data(event=event)
    assert list(contracts("webhook.received").iter_errors(replayed["payload"])) == []
