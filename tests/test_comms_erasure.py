"""Erasure end to end, over real PostgreSQL and RabbitMQ: a coach erases a person in leads
(``DELETE /leads/people/{clientId}``), leads publishes ``leads.client.erased`` through its outbox, and
comms and courses apply it (also when RabbitMQ delivers it a second time): the person's access-link
e-mail and enrollment name nobody any more and the link is dead, while another coach's client with the
same address keeps everything.
"""

from __future__ import annotations

import uuid

import pytest

from contexts.comms.models import ClientContact, ErasedClient, Message
from contexts.comms.services import sending
from contexts.courses.models import Enrollment
from contexts.courses.tests.conftest import learner_client_for
from nlc.clients import client_id_for
from nlc.events import topology
from nlc.events.broker import ConfirmingPublisher, json_body, message_properties

EMAIL = "dana@example.com"


class SendTasks:
    """Celery's broker for comms' send task: only records (nothing is sent in this test)."""

    def __init__(self):
        self.message_ids: list[str] = []

    def send_task(self, name, **options):
        self.message_ids.append(options["args"][0])


def _redeliver(envelope: dict, *, to: list[str]) -> None:
    """What RabbitMQ does when a consumer dies before its ack: the same message, once more."""
    publisher = ConfirmingPublisher()
    try:
        publisher.send_confirmed(
            "",
            [(topology.context_queue(context), json_body(envelope), message_properties(envelope)) for context in to],
        )
    finally:
        publisher.close()


def _coach_with_client(principal_client, event_bus):
    """A coach (API client, id) whose lead ``EMAIL`` was granted a course: comms has mailed the link."""
    coach_id = uuid.uuid4()
    coach = principal_client(role="coach", user_id=coach_id, email=f"{coach_id.hex}@coaches.example")
    assert coach.post("/leads/leads", {"email": EMAIL, "name": "Dana Doe"}, format="json").status_code == 201
    course = coach.post("/courses/courses", {"title": "Strength 101"}, format="json").json()
    granted = coach.post(
        f"/courses/courses/{course['id']}/enrollments", {"email": EMAIL, "name": "Dana Doe"}, format="json"
    )
    assert granted.status_code == 201, granted.content
    event_bus.settle()
    return coach, coach_id, granted.json()["id"]


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_an_erasure_in_leads_reaches_comms_and_courses(settings, monkeypatch, principal_client, event_bus):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    monkeypatch.setattr(sending, "current_app", SendTasks())
    # given Dana is the client of two coaches, each of whom granted her a course
    coach, coach_id, enrollment_id = _coach_with_client(principal_client, event_bus)
    _, other_coach_id, other_enrollment_id = _coach_with_client(principal_client, event_bus)
    client_id = client_id_for(coach_id=coach_id, email=EMAIL)
    access = Message.objects.get(coach_id=coach_id, template_key="enrollment_access")
    assert (access.recipient_email, access.client_id) == (EMAIL, client_id)
    link = learner_client_for(Enrollment.objects.get(pk=enrollment_id))
    assert link.get("/courses/learn/outline").status_code == 200

    # when the first coach erases her in leads
    assert coach.delete(f"/leads/people/{client_id}").status_code == 204
    erased = event_bus.wait_for("leads.client.erased", clientId=str(client_id))
    event_bus.settle()
    # and RabbitMQ delivers the erasure to comms and courses once more
    _redeliver(erased, to=["comms", "courses"])
    event_bus.settle()

    # then comms keeps nothing of her for that coach, and will not mail her again
    access.refresh_from_db()
    assert (access.recipient_email, access.recipient_name, access.subject, access.text_body) == ("", "", "", "")
    assert access.erased_at is not None
    assert not ClientContact.objects.filter(coach_id=coach_id).exists()
    assert list(ErasedClient.objects.values_list("coach_id", "client_id")) == [(coach_id, client_id)]
    # courses: her enrollment names nobody, and her link is dead
    enrollment = Enrollment.objects.get(pk=enrollment_id)
    assert (enrollment.client_email, enrollment.client_name, enrollment.status, enrollment.revoked_reason) == (
        "",
        "",
        "revoked",
        "erased",
    )
    assert link.get("/courses/learn/outline").status_code == 403
    # the other coach's Dana is untouched in both
    other_access = Message.objects.get(coach_id=other_coach_id, template_key="enrollment_access")
    assert (other_access.recipient_email, other_access.erased_at) == (EMAIL, None)
    assert ClientContact.objects.get(coach_id=other_coach_id).email == EMAIL
    other = Enrollment.objects.get(pk=other_enrollment_id)
    assert (other.client_email, other.status) == (EMAIL, "active")
    assert learner_client_for(other).get("/courses/learn/outline").status_code == 200
