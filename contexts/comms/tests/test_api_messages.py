"""Messages, deliverability and the sender identity through the API, each coach isolated."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from contexts.comms import services
from contexts.comms.models import Message, MessageStatus, SenderIdentity

pytestmark = pytest.mark.django_db(databases="__all__")


def _message(coach_id, *, email: str = "casey@example.com", **fields) -> Message:
    message = services.enrollment_completed_email_queue(
        event_id=uuid.uuid4(),
        coach_id=coach_id,
        client_id=uuid.uuid4(),
        client_email=email,
        client_name="Casey",
        course_title="Strength 101",
    )
    if fields:
        Message.objects.filter(id=message.id).update(**fields)
        message.refresh_from_db()
    return message


def test_a_coach_lists_its_own_messages(coach_client, coach_id, other_coach_id, context_queries):
    mine = [_message(coach_id) for _ in range(3)]
    _message(other_coach_id)
    with context_queries("comms", at_most=2):
        response = coach_client.get("/comms/messages")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {row["id"] for row in body["results"]} == {str(message.id) for message in mine}
    row = body["results"][0]
    assert set(row) == {
        "id", "coachId", "clientId", "recipientEmail", "recipientName", "category", "templateKey", "templateVersion",
        "subject", "status", "provider", "providerMessageId", "attempts", "lastError", "triggerEventId",
        "triggerEventType", "sequenceId", "createdAt", "sentAt", "deliveredAt", "openedAt", "clickedAt", "failedAt",
    }  # fmt: skip
    assert "textBody" not in row


def test_a_message_shows_its_bodies_to_its_coach_only(coach_client, other_coach_client, coach_id):
    message = _message(coach_id)
    response = coach_client.get(f"/comms/messages/{message.id}")
    assert response.status_code == 200
    assert response.json()["textBody"] == message.text_body
    assert response.json()["subject"] == "Congratulations on completing Strength 101"
    other = other_coach_client.get(f"/comms/messages/{message.id}")
    assert other.status_code == 404
    assert other.json()["code"] == "message_not_found"


def test_messages_are_filtered(coach_client, coach_id):
    sent = _message(coach_id, status=MessageStatus.SENT)
    _message(coach_id)
    response = coach_client.get("/comms/messages", {"status": "sent"})
    assert [row["id"] for row in response.json()["results"]] == [str(sent.id)]
    assert coach_client.get("/comms/messages", {"status": "nope"}).status_code == 400


def test_deliverability_counts_the_coachs_messages_with_rates(coach_client, admin_client, coach_id, other_coach_id):
    # given ten of the coach's messages: eight sent, six delivered, three opened, one clicked,
    # one bounced, one complained; and one failed, one suppressed; and another coach's
    now = timezone.now()
    for number in range(8):
        _message(
            coach_id,
            sent_at=now,
            status=MessageStatus.SENT,
            delivered_at=now if number < 6 else None,
            opened_at=now if number < 3 else None,
            clicked_at=now if number < 1 else None,
        )
    Message.objects.filter(coach_id=coach_id, delivered_at__isnull=True).update(status=MessageStatus.BOUNCED)
    Message.objects.filter(coach_id=coach_id, delivered_at__isnull=True).filter(
        id=Message.objects.filter(coach_id=coach_id, delivered_at__isnull=True).order_by("id").values("id")[:1]
    ).update(status=MessageStatus.COMPLAINED)
    _message(coach_id, status=MessageStatus.FAILED)
    _message(coach_id, status=MessageStatus.SUPPRESSED)
    _message(other_coach_id, sent_at=now, status=MessageStatus.SENT)
    # when the coach asks for its deliverability
    response = coach_client.get("/comms/deliverability")
    # then it sees its own numbers only
    assert response.status_code == 200, response.content
    assert response.json() == {
        "coachId": str(coach_id),
        "since": None,
        "until": None,
        "sent": 8,
        "delivered": 6,
        "opened": 3,
        "clicked": 1,
        "bounced": 1,
        "complained": 1,
        "failed": 1,
        "suppressed": 1,
        "deliveredRate": 0.75,
        "openedRate": 0.375,
        "clickedRate": 0.125,
        "bouncedRate": 0.125,
        "complainedRate": 0.125,
    }
    # and an admin sees the platform's, or one coach's
    assert admin_client.get("/comms/deliverability").json()["sent"] == 9
    assert admin_client.get("/comms/deliverability", {"coachId": str(coach_id)}).json()["sent"] == 8
    # and a coach cannot look at another coach's numbers with coachId
    assert coach_client.get("/comms/deliverability", {"coachId": str(other_coach_id)}).json()["sent"] == 0


def test_deliverability_over_a_period(coach_client, coach_id):
    old = _message(coach_id, sent_at=timezone.now(), status=MessageStatus.SENT)
    Message.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=40))
    _message(coach_id, sent_at=timezone.now(), status=MessageStatus.SENT)
    since = (timezone.now() - timedelta(days=30)).isoformat()
    response = coach_client.get("/comms/deliverability", {"since": since})
    assert response.json()["sent"] == 1
    bad = coach_client.get("/comms/deliverability", {"since": since, "until": since})
    assert bad.status_code == 400


def test_a_coach_signs_its_mail_to_its_clients(coach_client, coach_id):
    # given no identity yet: the platform's name
    assert coach_client.get("/comms/sender-identity").json() == {"fromName": "NextLevelCoach", "replyTo": ""}
    # when the coach sets its own
    response = coach_client.put(
        "/comms/sender-identity", {"fromName": "Cory  Coaching", "replyTo": "cory@example.com"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"fromName": "Cory Coaching", "replyTo": "cory@example.com"}
    # then its mail to its clients carries it
    message = _message(coach_id)
    assert (message.from_name, message.reply_to) == ("Cory Coaching", "cory@example.com")
    outgoing = services.outgoing_email(message)
    assert (outgoing.from_name, outgoing.reply_to) == ("Cory Coaching", "cory@example.com")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"fromName": "Cory\r\nBcc: all@example.com", "replyTo": ""}, "header_injection", "fromName"),
        ({"fromName": "Cory", "replyTo": "not an address"}, "invalid", "replyTo"),
        ({"fromName": "Cory", "replyTo": "cory@example.com\r\nBcc: x@example.com"}, "invalid", "replyTo"),
        ({"fromName": "   ", "replyTo": ""}, "invalid", "fromName"),
    ],
)
def test_a_bad_sender_identity_is_refused(coach_client, body, code, field):
    response = coach_client.put("/comms/sender-identity", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert list(response.json()["fieldErrors"]) == [field]
    assert SenderIdentity.objects.count() == 0


def test_the_sender_identity_is_each_coachs_own(coach_client, other_coach_client, admin_client):
    coach_client.put("/comms/sender-identity", {"fromName": "Cory"}, format="json")
    assert other_coach_client.get("/comms/sender-identity").json()["fromName"] == "NextLevelCoach"
    assert admin_client.get("/comms/sender-identity").status_code == 403


def test_messages_and_deliverability_need_a_caller(api_client):
    assert api_client.get("/comms/messages").status_code == 401
    assert api_client.get("/comms/deliverability").status_code == 401
    assert api_client.get("/comms/sender-identity").status_code == 401
