"""Sending through Mailgun: the row before the send, the exact request Mailgun sees, retries on 429
and 503 with backoff, no retry on 400, one provider call per message even when two workers race."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from contexts.comms import services
from contexts.comms.models import Message, MessageStatus
from contexts.comms.providers.mailgun import MailgunProvider
from contexts.comms.services import sending
from contexts.comms.tests.fake_mailgun import API_KEY, DOMAIN
from nlc.events.testing import published_events
from nlc.time import iso_z

pytestmark = pytest.mark.django_db(databases="__all__")
NOW = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
RESET_URL = "https://app.nextlevelcoach.ai/reset?uid=u1&token=abc123-secret"


def _reset_payload(**overrides) -> dict:
    return {
        "userId": str(uuid.uuid4()),
        "email": "cory@example.com",
        "firstName": "Cory",
        "resetUrl": RESET_URL,
        "expiresAt": "2026-12-01T11:30:00Z",
        "requestedAt": "2026-12-01T10:30:00Z",
        **overrides,
    }


@pytest.fixture
def queued(envelope, deliver_event) -> Message:
    """A password reset e-mail, queued by its event."""
    deliver_event("comms", envelope("auth.password.reset_requested", _reset_payload()))
    return Message.objects.get()


@time_machine.travel(NOW, tick=False)
def test_a_queued_message_is_a_row_before_it_is_sent(envelope, deliver_event, send_tasks):
    # when a reset is requested
    event = envelope("auth.password.reset_requested", _reset_payload())
    deliver_event("comms", event)
    # then one message is stored, queued, with everything it was made from
    message = Message.objects.get()
    assert (message.status, message.attempts, message.provider_message_id) == ("queued", 0, None)
    assert (message.recipient_email, message.template_key, message.template_version) == (
        "cory@example.com",
        "password_reset",
        0,
    )
    assert message.trigger_event_id == uuid.UUID(event["eventId"])
    assert message.subject == "Reset your NextLevelCoach password"
    assert RESET_URL in message.text_body
    # and a send task is enqueued on comms' task queue, nothing sent yet
    assert send_tasks.enqueued == [("comms.message_send", {"args": [str(message.id)]})]
    assert published_events(context="comms") == []


@time_machine.travel(NOW, tick=False)
def test_mailgun_sees_the_exact_request(queued, fake_mailgun):
    # when the worker sends it
    outcome = services.message_deliver(message_id=queued.id)
    # then Mailgun got one form-encoded POST to the domain's messages, with the API key
    assert outcome == "sent"
    (request,) = fake_mailgun.requests
    assert (request.method, request.path) == ("POST", f"/v3/{DOMAIN}/messages")
    assert request.basic_auth == f"api:{API_KEY}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form == [
        ("from", f"NextLevelCoach <no-reply@{DOMAIN}>"),
        ("to", "Cory <cory@example.com>"),
        ("subject", "Reset your NextLevelCoach password"),
        (
            "text",
            "Hi Cory,\n\nSomeone (we hope you) asked to reset the password of your NextLevelCoach account.\n"
            f"Choose a new password here: {RESET_URL}\n\n"
            "The link works once, until 2026-12-01 11:30 UTC. If you did not ask for it, ignore this e-mail.\n",
        ),
        (
            "html",
            "<p>Hi Cory,</p><p>Someone (we hope you) asked to reset the password of your NextLevelCoach account.</p>"
            '<p><a href="https://app.nextlevelcoach.ai/reset?uid=u1&amp;token=abc123-secret">Choose a new password</a>'
            "</p><p>The link works once, until 2026-12-01 11:30 UTC. "
            "If you did not ask for it, ignore this e-mail.</p>",
        ),
        ("o:tag", "password_reset"),
        ("v:nlc_message_id", str(queued.id)),
    ]
    # and the message is sent, with Mailgun's id, and the single-use link is gone from the stored copy
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.sent_at) == ("sent", 1, NOW)
    assert queued.provider_message_id == f"20261201103000.1.FAKE@{DOMAIN}"
    assert RESET_URL not in queued.text_body
    assert "[link removed after sending]" in queued.text_body
    assert "abc123-secret" not in queued.html_body
    assert queued.secrets == []
    # and comms.email.sent was published
    (sent,) = published_events(context="comms", event_type="comms.email.sent")
    assert sent["payload"] == {
        "emailId": str(queued.id),
        "coachId": None,
        "clientId": None,
        "recipientEmail": "cory@example.com",
        "templateKey": "password_reset",
        "sequenceId": None,
        "subject": "Reset your NextLevelCoach password",
        "providerMessageId": f"20261201103000.1.FAKE@{DOMAIN}",
        "sentAt": iso_z(NOW),
    }


@pytest.mark.parametrize("status", [429, 503])
def test_a_throttled_or_unavailable_mailgun_is_retried_with_backoff(queued, fake_mailgun, send_tasks, status):
    # given Mailgun answers 429 / 503 once
    fake_mailgun.fail(status, "try later")
    send_tasks.enqueued.clear()
    # when the worker sends
    with time_machine.travel(NOW, tick=False):
        outcome = services.message_deliver(message_id=queued.id)
    # then the message waits for its retry, 30 s later (no task is enqueued: beat finds it when due)
    assert outcome == "retry"
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == ("queued", 1)
    assert queued.next_attempt_at == NOW + timedelta(seconds=30)
    assert f"mailgun answered {status}" in queued.last_error
    assert send_tasks.enqueued == []
    assert published_events(context="comms") == []
    # and before then, neither beat's sweeper nor a stray task sends it
    with time_machine.travel(NOW + timedelta(seconds=29), tick=False):
        assert services.message_send_due() == 0
        assert services.message_deliver(message_id=queued.id) == "skipped"
    assert len(fake_mailgun.requests) == 1
    # when the retry is due, the sweeper enqueues it and a worker sends it
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        assert services.message_send_due() == 1
        assert send_tasks.run() == ["sent"]
    # then it went, once, on the second attempt
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == ("sent", 2, "")
    assert len(fake_mailgun.requests) == 2
    assert len(published_events(context="comms", event_type="comms.email.sent")) == 1


@time_machine.travel(NOW, tick=False)
def test_a_refused_message_is_failed_at_once(queued, fake_mailgun, send_tasks):
    # given Mailgun refuses the message (400)
    fake_mailgun.fail(400, "'to' parameter is not a valid address. please check documentation")
    send_tasks.enqueued.clear()
    # when the worker sends
    outcome = services.message_deliver(message_id=queued.id)
    # then it is failed, not retried, and comms.email.failed says why
    assert outcome == "failed"
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.failed_at, queued.next_attempt_at) == ("failed", 1, NOW, None)
    assert send_tasks.enqueued == []
    assert len(fake_mailgun.requests) == 1
    (failed,) = published_events(context="comms", event_type="comms.email.failed")
    assert failed["payload"]["severity"] == "permanent"
    assert failed["payload"]["reason"].startswith("mailgun answered 400:")
    assert failed["payload"]["providerMessageId"] is None
    assert RESET_URL not in queued.text_body
    # and a later send changes nothing
    assert services.message_deliver(message_id=queued.id) == "skipped"
    assert len(fake_mailgun.requests) == 1


def test_mailgun_unreachable_is_retried(queued, fake_mailgun, settings):
    # given nothing listens where Mailgun should be
    fake_mailgun.stop()
    # when the worker sends
    outcome = services.message_deliver(message_id=queued.id)
    # then the message waits for a retry
    assert outcome == "retry"
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == ("queued", 1)
    assert "could not be reached" in queued.last_error


def test_the_last_attempt_fails_the_message(queued, fake_mailgun, settings):
    # given a message that has used all but one of its attempts
    settings.COMMS_SEND_MAX_ATTEMPTS = 3
    Message.objects.filter(id=queued.id).update(attempts=2)
    fake_mailgun.fail(503)
    # when the last attempt fails too
    assert services.message_deliver(message_id=queued.id) == "failed"
    # then the message is failed and the failure published
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == ("failed", 3)
    (failed,) = published_events(context="comms", event_type="comms.email.failed")
    assert failed["payload"]["severity"] == "permanent"


def test_two_workers_with_the_same_message_call_mailgun_once(queued, fake_mailgun):
    # given one worker has claimed the message (and is talking to Mailgun)
    assert sending._claim(queued.id, limit=1) == [queued]
    # when a second worker gets the same task
    outcome = services.message_deliver(message_id=queued.id)
    # then it does nothing
    assert outcome == "skipped"
    assert fake_mailgun.requests == []


def test_a_send_whose_worker_died_is_sent_again_after_the_stale_delay(queued, fake_mailgun, send_tasks, settings):
    # given a worker claimed the message and died before writing Mailgun's answer
    settings.COMMS_SEND_STALE_SECONDS = 300
    with time_machine.travel(NOW, tick=False):
        assert sending._claim(queued.id, limit=1) == [queued]
    send_tasks.enqueued.clear()
    # when the sweeper runs before the stale delay, nothing is due
    with time_machine.travel(NOW + timedelta(seconds=299), tick=False):
        assert services.message_send_due() == 0
    # when it runs after it, the message is enqueued and sent again (the crash window: it may arrive twice)
    with time_machine.travel(NOW + timedelta(seconds=301), tick=False):
        assert services.message_send_due() == 1
        assert send_tasks.run() == ["sent"]
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == ("sent", 2)
    assert len(fake_mailgun.requests) == 1


def test_the_sweeper_finds_a_lost_send_task(queued, fake_mailgun, send_tasks):
    # given the send task never reached the broker
    send_tasks.enqueued.clear()
    # when beat's sweeper runs
    assert services.message_send_due() == 1
    assert send_tasks.run() == ["sent"]
    # then the message went
    queued.refresh_from_db()
    assert queued.status == "sent"


def test_the_sending_rate_per_domain_is_kept(envelope, deliver_event, fake_mailgun, send_tasks, settings):
    # given a rate of two sends per second, and three queued messages
    settings.COMMS_SEND_RATE_PER_SECOND = 2
    for number in range(3):
        deliver_event(
            "comms", envelope("auth.password.reset_requested", _reset_payload(email=f"u{number}@example.com"))
        )
    # when a worker drains the queue within one second
    with time_machine.travel(NOW, tick=False):
        outcomes = send_tasks.run()
    # then two went, and the third waits a second without an attempt counted
    assert sorted(outcomes) == ["sent", "sent", "throttled"]
    assert len(fake_mailgun.requests) == 2
    waiting = Message.objects.get(status=MessageStatus.QUEUED)
    assert (waiting.attempts, waiting.next_attempt_at) == (0, NOW + timedelta(seconds=1))
    assert send_tasks.enqueued == []
    # and the next second the sweeper finds it and it goes
    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        assert services.message_send_due() == 1
        assert send_tasks.run() == ["sent"]


def test_the_local_provider_prints_the_message_and_keeps_the_link(queued, settings, capsys):
    # given the embedded default (no Mailgun)
    settings.COMMS_EMAIL_PROVIDER = "local"
    settings.COMMS_REDACT_SECRETS = False
    # when the worker sends
    assert services.message_deliver(message_id=queued.id) == "sent"
    # then the e-mail is on the console, link and all, and kept in the admin's table
    printed = capsys.readouterr().out
    assert "To: Cory <cory@example.com>" in printed
    assert f"Choose a new password here: {RESET_URL}" in printed
    queued.refresh_from_db()
    assert (queued.status, queued.provider_message_id) == ("sent", f"local-{queued.id}")
    assert RESET_URL in queued.text_body


def test_without_a_broker_the_message_is_sent_at_once(envelope, deliver_event, settings, capsys, monkeypatch):
    # given the embedded default: no broker (Celery runs tasks eagerly) and the local provider
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.COMMS_EMAIL_PROVIDER = "local"
    # when a reset is requested
    deliver_event("comms", envelope("auth.password.reset_requested", _reset_payload()))
    # then the e-mail is on the console at once, and the message sent
    assert f"Choose a new password here: {RESET_URL}" in capsys.readouterr().out
    assert Message.objects.get().status == "sent"


def test_a_send_task_sends_a_batch_of_due_messages(envelope, deliver_event, fake_mailgun, send_tasks):
    # given five queued messages
    for number in range(5):
        deliver_event(
            "comms", envelope("auth.password.reset_requested", _reset_payload(email=f"u{number}@example.com"))
        )
    first, *others = [uuid.UUID(message_id) for message_id in send_tasks.message_ids()]
    # when the first one's task runs with a batch of three
    outcomes = services.message_send_batch(message_id=first, limit=3)
    # then it and the two oldest others were sent, its own first
    assert list(outcomes.values()) == ["sent", "sent", "sent"]
    assert next(iter(outcomes)) == first
    assert [request.field("to") for request in fake_mailgun.requests] == [
        "Cory <u0@example.com>",
        "Cory <u1@example.com>",
        "Cory <u2@example.com>",
    ]
    # and the tasks of the messages already sent find nothing to do; the last two go with theirs
    assert services.message_send_batch(message_id=others[0], limit=3) == {others[2]: "sent", others[3]: "sent"}
    assert services.message_send_batch(message_id=others[3], limit=3) == {}
    assert Message.objects.filter(status="sent").count() == 5
    assert len(fake_mailgun.requests) == 5
    assert len(published_events(context="comms", event_type="comms.email.sent")) == 5


def test_a_batchs_results_are_written_together_each_with_its_own_answer(
    envelope, deliver_event, fake_mailgun, send_tasks
):
    # given three queued reset e-mails, each with its single-use link
    for number in range(3):
        deliver_event(
            "comms", envelope("auth.password.reset_requested", _reset_payload(email=f"u{number}@example.com"))
        )
    first = uuid.UUID(send_tasks.message_ids()[0])
    # when one task sends the three
    assert list(services.message_send_batch(message_id=first, limit=3).values()) == ["sent"] * 3
    # then each row has the id Mailgun gave its own request, its link removed, and its own event
    answered = {
        request.field("v:nlc_message_id"): f"20261201103000.{number}.FAKE@{DOMAIN}"
        for number, request in enumerate(fake_mailgun.requests, start=1)
    }
    rows = Message.objects.order_by("created_at")
    assert {str(row.id): row.provider_message_id for row in rows} == answered
    for row in rows:
        assert (row.status, row.secrets, row.attempts) == ("sent", [], 1)
        assert RESET_URL not in row.text_body
        assert f"Choose a new password here: {sending.REDACTED}" in row.text_body
    sent = published_events(context="comms", event_type="comms.email.sent")
    assert {event["payload"]["emailId"]: event["payload"]["providerMessageId"] for event in sent} == answered


def test_an_unexpected_error_half_way_still_writes_what_mailgun_accepted(
    envelope, deliver_event, fake_mailgun, send_tasks, monkeypatch
):
    # given three queued messages, and a sender that breaks on the second
    for number in range(3):
        deliver_event(
            "comms", envelope("auth.password.reset_requested", _reset_payload(email=f"u{number}@example.com"))
        )
    first = uuid.UUID(send_tasks.message_ids()[0])
    real_send, calls = MailgunProvider.send, []

    def send(self, email):
        calls.append(email.to_email)
        if len(calls) == 2:
            raise RuntimeError("a bug")
        return real_send(self, email)

    monkeypatch.setattr(MailgunProvider, "send", send)
    # when the task runs
    with pytest.raises(RuntimeError, match="a bug"):
        services.message_send_batch(message_id=first, limit=3)
    # then the first, which Mailgun accepted, is sent; the others stay claimed for the sweeper
    statuses = list(Message.objects.order_by("created_at").values_list("recipient_email", "status"))
    assert statuses == [("u0@example.com", "sent"), ("u1@example.com", "sending"), ("u2@example.com", "sending")]
    assert len(published_events(context="comms", event_type="comms.email.sent")) == 1
