"""Notifications over the real bus (PostgreSQL and RabbitMQ), reached only the way production reaches it:

- a lead sent through a coach's public landing form -> leads.lead.created -> notifications: the
  coach has one unread notification, whatever the bus redelivers;
- another context asks for a notification by publishing notify.user from its own outbox -> the
  relay -> notifications' queue: the recipient has it once, the request's producer is the asker.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from nlc.db.router import alias_for_context
from nlc.events import publish

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
