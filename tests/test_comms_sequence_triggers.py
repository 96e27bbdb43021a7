"""Sequences triggered by a lead's status and by a tag, over real PostgreSQL and RabbitMQ: the coach
creates the sequences in comms and moves and tags the lead in leads, through the API; leads publishes
leads.status.changed and leads.lead.tagged through its outbox, and comms starts one run for each, and
ends them on their exit rule (a purchase billing announces).
"""

from __future__ import annotations

import uuid

import pytest

from contexts.comms.models import SequenceRun
from contexts.comms.services import sending
from nlc.clients import client_id_for
from nlc.db.transactions import atomic
from nlc.events import publish
from nlc.events.contracts import registry

EMAIL = "lena@example.com"


class SendTasks:
    def __init__(self):
        self.message_ids: list[str] = []

    def send_task(self, name, **options):
        self.message_ids.append(options["args"][0])


def _purchase(coach_id: uuid.UUID) -> dict:
    (status,) = registry().get("billing.payment.completed").schema["properties"]["status"]["enum"]
    return {
        "transactionId": str(uuid.uuid4()),
        "coachId": str(coach_id),
        "planId": None,
        "subscriptionId": None,
        "paymentLinkId": str(uuid.uuid4()),
        "courseId": str(uuid.uuid4()),
        "clientId": str(client_id_for(coach_id=coach_id, email=EMAIL)),
        "clientEmail": EMAIL,
        "clientName": "Lena Lead",
        "kind": "course_purchase",
        "amount": 4900,
        "currency": "USD",
        "externalPaymentId": "pi_NLCtriggers001",
        "status": status,
        "paidAt": "2026-12-01T12:00:00Z",
    }


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_status_and_a_new_tag_start_their_sequences_until_a_purchase(
    settings, monkeypatch, principal_client, event_bus
):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    monkeypatch.setattr(sending, "current_app", SendTasks())
    coach_id = uuid.uuid4()
    coach = principal_client(role="coach", user_id=coach_id, email="cory@example.com")
    # given the coach's template and two sequences: leads that reach "contacted", leads tagged "vip"
    template = {"key": "nurture", "subject": "Hi {{ name }}", "textBody": "Hello", "htmlBody": ""}
    assert coach.post("/comms/templates", template, format="json").status_code == 201
    steps = [{"templateKey": "nurture", "delaySeconds": 0}, {"templateKey": "nurture", "delaySeconds": 86400}]
    for trigger, value in (("lead_status", "contacted"), ("lead_tagged", "VIP")):
        created = coach.post(
            "/comms/sequences",
            {"name": trigger, "trigger": trigger, "triggerValue": value, "exitOnPurchase": True, "steps": steps},
            format="json",
        )
        assert created.status_code == 201, created.content
    # and Lena, a lead of the coach
    lead = coach.post("/leads/leads", {"email": EMAIL, "name": "Lena Lead"}, format="json").json()
    event_bus.settle()
    assert SequenceRun.objects.count() == 0

    # when the coach moves her to "contacted" and tags her vip (then saves the same tag again)
    assert coach.post(f"/leads/leads/{lead['id']}/status", {"status": "contacted"}, format="json").status_code == 200
    assert coach.patch(f"/leads/leads/{lead['id']}", {"tags": ["vip"]}, format="json").status_code == 200
    assert coach.patch(f"/leads/leads/{lead['id']}", {"tags": ["vip", "runner"]}, format="json").status_code == 200
    event_bus.settle()

    # then each sequence has one active run for her, started by its event
    runs = SequenceRun.objects.order_by("created_at")
    assert [(run.sequence.trigger, run.trigger, run.recipient_email, run.status) for run in runs] == [
        ("lead_status", "leads.status.changed", EMAIL, "active"),
        ("lead_tagged", "leads.lead.tagged", EMAIL, "active"),
    ]
    assert [event["payload"]["tag"] for event in event_bus.events("leads.lead.tagged")] == ["vip", "runner"]
    assert len(event_bus.events("comms.sequence.started")) == 2

    # when she buys a course from the coach
    with atomic("billing"):
        publish("billing.payment.completed", _purchase(coach_id))
    event_bus.settle()
    # then both runs end on their exit rule
    assert list(SequenceRun.objects.values_list("status", "exit_reason")) == [
        ("exited", "purchase_made"),
        ("exited", "purchase_made"),
    ]
