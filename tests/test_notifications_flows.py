"""Notifications over the real bus (PostgreSQL and RabbitMQ), reached only the way production reaches it:

- a lead sent through a coach's public landing form -> leads.lead.created -> notifications: the
  coach has one unread notification, whatever the bus redelivers;
- another context asks for a notification by publishing notify.user from its own outbox -> the
  relay -> notifications' queue: the recipient has it once, the request's producer is the asker;
- a context gives up on an event -> the kernel asks for notify.admins from that context's outbox ->
  every admin has one notice (and a dead-lettered request raises none).
"""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from nlc.db.router import alias_for_context
from nlc.events import publish
from nlc.events.dead_letters import record_dead_letter

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_a_landing_form_lead_reaches_the_coach_as_a_notification(settings, event_bus, principal_client, api_client):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    # given a coach with a landing form
    coach_id = uuid.uuid4()
    coach = principal_client(role="coach", user_id=coach_id, email="coach@example.com")
    form = coach.post("/leads/forms", {"name": "Spring"}, format="json").json()
    # when a visitor sends it
    sent = api_client.post(
        f"/leads/intake/{form['key']}", {"email": "ann@example.com", "name": "Ann Lee"}, format="json"
    )
    event_bus.settle()
    # then the coach has one unread notification about the lead, and nobody else has any
    assert sent.status_code == 202, sent.content
    (lead,) = event_bus.events("leads.lead.created")
    listed = coach.get("/notifications/notifications").json()
    assert [(row["kind"], row["title"], row["link"], row["seq"], row["readAt"]) for row in listed["results"]] == [
        ("lead_created", "New lead: Ann Lee", f"/leads/{lead['payload']['leadId']}", 1, None)
    ]
    assert coach.get("/notifications/unread-count").json() == {"unread": 1}
    other = principal_client(role="coach", user_id=uuid.uuid4())
    assert other.get("/notifications/notifications").json()["count"] == 0


def test_another_context_asks_through_notify_user(settings, event_bus, principal_client):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    # given a coach, and courses asking to tell it something (twice: the asker retried)
    coach_id = uuid.uuid4()
    request = {
        "notificationId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://nextlevelcoach.ai/review/{coach_id}")),
        "recipientUserId": str(coach_id),
        "coachId": str(coach_id),
        "kind": "course_review_due",
        "title": "Your course is due for a review",
        "body": "Start Strong was last updated a year ago.",
        "link": None,
        "createdAt": "2026-03-02T10:00:00Z",
    }
    # when
    for _ in range(2):
        with transaction.atomic(using=alias_for_context("courses")):
            publish("notify.user", request, context="courses")
    event_bus.settle()
    # then both requests travelled as courses', and the coach has the notification once
    assert [event["producer"] for event in event_bus.events("notify.user")] == ["courses", "courses"]
    coach = principal_client(role="coach", user_id=coach_id)
    (row,) = coach.get("/notifications/notifications").json()["results"]
    assert (row["kind"], row["title"], row["link"]) == ("course_review_due", "Your course is due for a review", "")
    assert coach.get("/notifications/unread-count").json() == {"unread": 1}


def _admin_known(admin_id: uuid.UUID) -> None:
    with transaction.atomic(using=alias_for_context("auth")):
        publish(
            "auth.user.created",
            {
                "userId": str(admin_id),
                "coachId": None,
                "email": "ada@example.com",
                "firstName": "Ada",
                "lastName": "Admin",
                "role": "admin",
                "signupMethod": "admin",
                "createdAt": "2026-03-01T09:00:00Z",
            },
            aggregate_id=str(admin_id),
        )


def test_a_dead_letter_in_any_context_reaches_the_admins(settings, event_bus, principal_client):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    # given an admin notifications knows of
    admin_id = uuid.uuid4()
    _admin_known(admin_id)
    event_bus.settle()
    # when comms gives up on an event (the kernel's dead-letter store, as both backends call it)
    envelope = {"eventId": str(uuid.uuid4()), "type": "courses.enrollment.completed", "payload": {}}
    letter = record_dead_letter("comms", envelope=envelope, reason="TemplateMissingError: no template", attempts=5)
    event_bus.settle()
    # then the notice travelled from comms' own outbox, and the admin has it once
    (notice,) = event_bus.events("notify.admins")
    assert (notice["producer"], notice["payload"]["notificationId"]) == ("comms", str(letter.id))
    admin = principal_client(role="admin", user_id=admin_id)
    (row,) = admin.get("/notifications/notifications").json()["results"]
    assert (row["kind"], row["title"], row["body"]) == (
        "event_dead_lettered",
        "comms gave up on courses.enrollment.completed",
        "After 5 attempts: TemplateMissingError: no template",
    )
    assert admin.get("/notifications/unread-count").json() == {"unread": 1}


def test_a_dead_lettered_notice_request_raises_no_notice(settings, event_bus):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    # when notifications itself gives up on a request
    envelope = {"eventId": str(uuid.uuid4()), "type": "notify.admins", "payload": {}}
    record_dead_letter("notifications", envelope=envelope, reason="broken", attempts=5)
    event_bus.settle()
    # then no new request follows it (no loop)
    assert event_bus.events("notify.admins") == []
