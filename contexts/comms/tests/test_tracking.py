"""Mailgun's events, as integrations hands on its verified webhooks (bodies from Mailgun's documentation,
tests/fixtures/mailgun), move the message's status forward, publish opens and clicks, and suppress
bounced, complaining and unsubscribed addresses; each once; an unknown message is stored and ignored."""

from __future__ import annotations

import copy
import json
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contexts.comms.models import MailgunEvent, Message, Suppression
from nlc.events import DeadLetterError
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases="__all__")
FIXTURES = Path(__file__).parent / "fixtures" / "mailgun"


def _body(name: str, *, message: Message | None = None) -> dict:
    """Mailgun's webhook body; with ``message``, about it (Mailgun echoes the send's ``v:`` variables)."""
    body = json.loads((FIXTURES / f"{name}.json").read_text())
    if message is not None:
        body["event-data"]["user-variables"] = {"nlc_message_id": str(message.id)}
    return body


def _webhook(envelope, body: dict, *, provider: str = "mailgun") -> dict:
    event_data = body.get("event-data", {})
    return envelope(
        "integrations.webhook.received",
        {
            "webhookEventId": str(uuid.uuid4()),
            "provider": provider,
            "providerEventId": event_data.get("id", "unknown"),
            "eventType": event_data.get("event", "unknown"),
            "coachId": None,
            "data": body,
            "receivedAt": "2026-12-01T10:40:00Z",
        },
    )


def _moment(body: dict) -> datetime:
    return datetime.fromtimestamp(body["event-data"]["timestamp"], tz=UTC)


def _wire(moment: datetime) -> str:
    """A moment as publish() writes it (Django's JSON encoder: milliseconds)."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.fixture
def sent(envelope, deliver_event, fake_mailgun, send_tasks, coach_id) -> Message:
    """The access-link e-mail of a coach's client, sent through Mailgun."""
    deliver_event(
        "comms",
        envelope(
            "courses.enrollment.created",
            {
                "enrollmentId": str(uuid.uuid4()),
                "courseId": str(uuid.uuid4()),
                "clientId": str(uuid.uuid4()),
                "coachId": str(coach_id),
                "courseTitle": "Strength 101",
                "clientEmail": "joan@example.com",
                "clientName": "Joan",
                "source": "manual",
                "accessUrl": "https://learn.nextlevelcoach.ai/access/secret",
                "transactionId": None,
                "enrolledAt": "2026-12-01T10:00:00Z",
            },
        ),
    )
    assert send_tasks.run() == ["sent"]
    return Message.objects.get()


def _email_fields(message: Message) -> dict:
    return {
        "emailId": str(message.id),
        "coachId": str(message.coach_id),
        "clientId": str(message.client_id),
        "recipientEmail": "joan@example.com",
        "templateKey": "enrollment_access",
        "sequenceId": None,
        "providerMessageId": message.provider_message_id,
    }


def test_delivered_moves_the_message_forward_and_is_published_once(envelope, deliver_event, sent):
    # given Mailgun reports the delivery, integrations replays that webhook, and Mailgun reports the
    # delivery again later under an event id of its own
    body = _body("delivered", message=sent)
    again = copy.deepcopy(body)
    again["event-data"]["id"] = "second-delivered-report"
    again["event-data"]["timestamp"] += 60
    # when the three arrive
    for report in (body, body, again):
        deliver_event("comms", _webhook(envelope, report))
    # then the message is delivered at the first report, and comms.email.delivered went out once
    sent.refresh_from_db()
    assert (sent.status, sent.delivered_at) == ("delivered", _moment(body))
    (delivered,) = published_events(context="comms", event_type="comms.email.delivered")
    assert delivered["payload"] == {**_email_fields(sent), "deliveredAt": _wire(_moment(body))}
    assert sorted(MailgunEvent.objects.values_list("provider_event_id", "outcome")) == [
        (f"hK7mQVt1QtqRiOfQXta4sw:{int(_moment(body).timestamp())}", "applied"),
        (f"second-delivered-report:{int(_moment(again).timestamp())}", "applied"),
    ]


def test_an_open_is_published(envelope, deliver_event, sent):
    # when Mailgun reports an open, twice (integrations replays the webhook: a new bus event)
    body = _body("opened", message=sent)
    deliver_event("comms", _webhook(envelope, body))
    deliver_event("comms", _webhook(envelope, body))
    # then the message is opened, and comms.email.opened went out once
    sent.refresh_from_db()
    assert (sent.status, sent.opened_at) == ("opened", _moment(body))
    (opened,) = published_events(context="comms", event_type="comms.email.opened")
    assert opened["payload"] == {**_email_fields(sent), "openedAt": _wire(_moment(body))}
    assert MailgunEvent.objects.get().event_type == "opened"


def test_a_click_is_published_with_its_link(envelope, deliver_event, sent):
    body = _body("clicked", message=sent)
    deliver_event("comms", _webhook(envelope, body))
    sent.refresh_from_db()
    assert (sent.status, sent.clicked_at) == ("clicked", _moment(body))
    (clicked,) = published_events(context="comms", event_type="comms.email.clicked")
    assert clicked["payload"] == {
        **_email_fields(sent),
        "url": "http://example.com/signup",
        "clickedAt": _wire(_moment(body)),
    }


def test_a_late_delivered_after_a_click_leaves_it_clicked(envelope, deliver_event, sent):
    deliver_event("comms", _webhook(envelope, _body("clicked", message=sent)))
    deliver_event("comms", _webhook(envelope, _body("delivered", message=sent)))
    sent.refresh_from_db()
    assert sent.status == "clicked"
    assert sent.delivered_at is not None


def test_a_hard_bounce_suppresses_the_address_everywhere(envelope, deliver_event, sent):
    body = _body("failed_permanent", message=sent)
    deliver_event("comms", _webhook(envelope, body))
    sent.refresh_from_db()
    assert (sent.status, sent.failed_at) == ("bounced", _moment(body))
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.coach_id, suppression.reason) == ("joan@example.com", None, "hard_bounce")
    (failed,) = published_events(context="comms", event_type="comms.email.failed")
    assert failed["payload"] == {
        **_email_fields(sent),
        "severity": "permanent",
        "reason": "Not delivering to previously bounced address",
        "failedAt": _wire(_moment(body)),
    }


def test_a_temporary_failure_is_published_and_changes_nothing_else(envelope, deliver_event, sent):
    body = _body("failed_temporary", message=sent)
    deliver_event("comms", _webhook(envelope, body))
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert Suppression.objects.count() == 0
    (failed,) = published_events(context="comms", event_type="comms.email.failed")
    assert failed["payload"]["severity"] == "temporary"


def test_a_complaint_suppresses_the_address_for_the_coach_and_is_published_once(
    envelope, deliver_event, sent, coach_id
):
    # given the recipient's complaint, replayed, and reported again under another Mailgun event id
    body = _body("complained", message=sent)
    again = copy.deepcopy(body)
    again["event-data"]["id"] = "second-complaint-report"
    # when the three arrive
    for report in (body, body, again):
        deliver_event("comms", _webhook(envelope, report))
    # then the message is complained, the address suppressed for the coach, and one event went out
    sent.refresh_from_db()
    assert (sent.status, sent.failed_at) == ("complained", _moment(body))
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.coach_id, suppression.reason) == ("joan@example.com", coach_id, "complaint")
    (complained,) = published_events(context="comms", event_type="comms.email.complained")
    assert complained["payload"] == {**_email_fields(sent), "complainedAt": _wire(_moment(body))}


def test_a_complaint_after_the_delivery_publishes_both(envelope, deliver_event, sent):
    deliver_event("comms", _webhook(envelope, _body("delivered", message=sent)))
    deliver_event("comms", _webhook(envelope, _body("complained", message=sent)))
    sent.refresh_from_db()
    assert sent.status == "complained"
    assert [event["type"] for event in published_events(context="comms")] == [
        "comms.email.sent",
        "comms.email.delivered",
        "comms.email.complained",
    ]


def test_an_unsubscribe_suppresses_the_address_for_the_coach(envelope, deliver_event, sent, coach_id):
    body = _body("unsubscribed", message=sent)
    deliver_event("comms", _webhook(envelope, body))
    sent.refresh_from_db()
    assert sent.unsubscribed_at == _moment(body)
    suppression = Suppression.objects.get()
    assert (suppression.coach_id, suppression.reason) == (coach_id, "unsubscribe")


def test_a_message_is_also_found_by_mailguns_message_id(envelope, deliver_event, sent):
    # given an event that carries no variables, only the Message-Id Mailgun gave the message
    body = _body("delivered")
    Message.objects.filter(id=sent.id).update(
        provider_message_id=body["event-data"]["message"]["headers"]["message-id"]
    )
    deliver_event("comms", _webhook(envelope, body))
    sent.refresh_from_db()
    assert sent.status == "delivered"


def test_an_event_for_an_unknown_message_is_stored_and_ignored(envelope, deliver_event, sent, caplog):
    # given Mailgun reports about a message comms never sent
    body = copy.deepcopy(_body("opened"))
    # when it arrives
    with caplog.at_level(logging.INFO, logger="contexts.comms.services.tracking"):
        deliver_event("comms", _webhook(envelope, body))
    # then it is recorded as ignored, with a log line, and nothing else happened
    record = MailgunEvent.objects.get()
    assert (record.event_type, record.outcome, record.note) == ("opened", "ignored", "unknown message")
    assert "mailgun event for an unknown message" in caplog.messages
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert published_events(context="comms", event_type="comms.email.opened") == []


def test_other_providers_webhooks_are_not_comms(envelope, deliver_event, sent):
    deliver_event("comms", _webhook(envelope, {"id": "evt_1", "type": "charge.succeeded"}, provider="stripe"))
    assert MailgunEvent.objects.count() == 0


def test_a_body_that_is_no_mailgun_event_is_a_dead_letter(envelope, deliver_event):
    with pytest.raises(DeadLetterError, match="no event-data"):
        deliver_event("comms", _webhook(envelope, {"signature": {}}))
    assert MailgunEvent.objects.count() == 0
