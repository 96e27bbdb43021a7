"""Sequences advance under a frozen clock, one message per step, and stop on their exit rules: a
purchase, an unsubscribe, a cancelled sequence."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from contexts.comms import services
from contexts.comms.models import ClientContact, Message, RunStatus, SequenceRun, Template
from nlc.clients import client_id_for
from nlc.errors import InvalidInputError
from nlc.events.contracts import registry
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases="__all__")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
DAY = 86400


@pytest.fixture
def nurture(coach_id):
    """A coach's two-step nurture sequence for new leads: at once, then a day later."""
    for number in (1, 2):
        Template.objects.create(
            key=f"nurture_{number}",
            coach_id=coach_id,
            version=1,
            category="marketing",
            subject=f"Step {number} for {{{{ name }}}}",
            text_body="Hi {{ name }}",
        )
    return services.sequence_create(
        coach_id=coach_id,
        name="Welcome leads",
        trigger="lead_created",
        trigger_value="",
        exit_on_purchase=True,
        steps=[("nurture_1", 0), ("nurture_2", DAY)],
    )


def _current(event_type: str) -> int:
    """The contract version leads publishes now (comms accepts v1 and v2 of its events alike)."""
    return registry().get(event_type).version


def _lead(coach_id, email: str = "lena@example.com") -> dict:
    return {
        "leadId": str(uuid.uuid4()),
        "coachId": str(coach_id),
        "clientId": str(client_id_for(coach_id=coach_id, email=email)),
        "email": email,
        "firstName": "Lena",
        "lastName": "Lead",
        "phone": None,
        "source": "landing_page",
        "landingPageId": None,
        "utmSource": None,
        "utmMedium": None,
        "utmCampaign": None,
        "status": "new",
        "createdAt": "2026-12-01T10:00:00Z",
    }


def test_a_lead_runs_through_the_sequence_step_by_step(nurture, envelope, deliver_event, coach_id):
    # when a lead is created (delivered twice)
    with time_machine.travel(NOW, tick=False):
        event = envelope("leads.lead.created", _lead(coach_id), version=_current("leads.lead.created"))
        deliver_event("comms", event)
        deliver_event("comms", event)
    # then one run started, and comms.sequence.started says so
    run = SequenceRun.objects.get()
    assert (run.recipient_email, run.recipient_name, run.status, run.next_send_at) == (
        "lena@example.com",
        "Lena Lead",
        "active",
        NOW,
    )
    (started,) = published_events(context="comms", event_type="comms.sequence.started")
    assert started["payload"] == {
        "runId": str(run.id),
        "sequenceId": str(nurture.id),
        "sequenceName": "Welcome leads",
        "coachId": str(coach_id),
        "clientId": str(client_id_for(coach_id=coach_id, email="lena@example.com")),
        "recipientEmail": "lena@example.com",
        "trigger": "leads.lead.created",
        "stepCount": 2,
        "startedAt": "2026-12-01T10:00:00Z",
    }
    # when beat advances the sequences now (twice: two beat processes)
    with time_machine.travel(NOW, tick=False):
        assert services.sequence_advance_due() == 1
        assert services.sequence_advance_due() == 0
    # then the first step's e-mail is queued, once, and the second is due a day later
    (first,) = Message.objects.all()
    assert (first.template_key, first.subject, first.sequence_id, first.category) == (
        "nurture_1",
        "Step 1 for Lena Lead",
        nurture.id,
        "marketing",
    )
    run.refresh_from_db()
    assert (run.next_position, run.next_send_at) == (1, NOW + timedelta(days=1))
    # and nothing moves before then
    with time_machine.travel(NOW + timedelta(seconds=DAY - 1), tick=False):
        assert services.sequence_advance_due() == 0
    # when the day has passed
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert services.sequence_advance_due() == 1
    # then the second step went and the run is complete
    assert [message.template_key for message in Message.objects.order_by("created_at")] == ["nurture_1", "nurture_2"]
    run.refresh_from_db()
    assert (run.status, run.next_send_at, run.ended_at) == ("completed", None, NOW + timedelta(days=1))


def test_a_purchase_ends_the_run(nurture, envelope, deliver_event, coach_id):
    # given lena is in the sequence
    with time_machine.travel(NOW, tick=False):
        deliver_event("comms", envelope("leads.lead.created", _lead(coach_id), version=_current("leads.lead.created")))
        services.sequence_advance_due()
    # when she buys a course from the coach
    client_id = str(client_id_for(coach_id=coach_id, email="lena@example.com"))
    (status,) = registry().get("billing.payment.completed").schema["properties"]["status"]["enum"]
    deliver_event(
        "comms",
        envelope(
            "billing.payment.completed",
            {
                "transactionId": str(uuid.uuid4()),
                "coachId": str(coach_id),
                "planId": None,
                "subscriptionId": None,
                "paymentLinkId": str(uuid.uuid4()),
                "courseId": str(uuid.uuid4()),
                "clientId": client_id,
                "clientEmail": "lena@example.com",
                "clientName": "Lena Lead",
                "kind": "course_purchase",
                "amount": 4900,
                "currency": "USD",
                "externalPaymentId": "pi_1",
                "status": status,
                "paidAt": "2026-12-01T12:00:00Z",
            },
        ),
    )
    # then her run ended, and the second step never goes
    run = SequenceRun.objects.get()
    assert (run.status, run.exit_reason) == ("exited", "purchase_made")
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert services.sequence_advance_due() == 0
    assert list(Message.objects.filter(sequence_id=nurture.id).values_list("template_key", flat=True)) == ["nurture_1"]


def test_an_unsubscribe_ends_the_run(nurture, envelope, deliver_event, coach_id):
    with time_machine.travel(NOW, tick=False):
        deliver_event("comms", envelope("leads.lead.created", _lead(coach_id), version=_current("leads.lead.created")))
        services.sequence_advance_due()
    # when lena unsubscribes from the coach's mail
    services.suppression_add(email="lena@example.com", coach_id=coach_id, reason="unsubscribe")
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.sequence_advance_due()
    # then her run exits, with no second e-mail
    run = SequenceRun.objects.get()
    assert (run.status, run.exit_reason) == ("exited", "unsubscribed")
    assert Message.objects.count() == 1


def test_a_cancelled_sequence_stops_every_run(nurture, envelope, deliver_event, coach_id):
    with time_machine.travel(NOW, tick=False):
        deliver_event("comms", envelope("leads.lead.created", _lead(coach_id), version=_current("leads.lead.created")))
        deliver_event(
            "comms",
            envelope("leads.lead.created", _lead(coach_id, "lou@example.com"), version=_current("leads.lead.created")),
        )
    services.sequence_cancel(sequence=nurture)
    assert set(SequenceRun.objects.values_list("status", "exit_reason")) == {("exited", "sequence_cancelled")}
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert services.sequence_advance_due() == 0
    assert Message.objects.count() == 0
    # and new leads no longer start it
    deliver_event(
        "comms",
        envelope("leads.lead.created", _lead(coach_id, "new@example.com"), version=_current("leads.lead.created")),
    )
    assert SequenceRun.objects.filter(status=RunStatus.ACTIVE).count() == 0


def test_an_enrollment_sequence_starts_only_for_its_course(coach_id, envelope, deliver_event):
    Template.objects.create(
        key="onboarding", coach_id=coach_id, version=1, category="marketing", subject="Hi", text_body="x"
    )
    course_id = uuid.uuid4()
    services.sequence_create(
        coach_id=coach_id,
        name="Onboarding",
        trigger="enrollment_created",
        trigger_value=str(course_id),
        exit_on_purchase=False,
        steps=[("onboarding", 3600)],
    )

    def enroll(course, email):
        deliver_event(
            "comms",
            envelope(
                "courses.enrollment.created",
                {
                    "enrollmentId": str(uuid.uuid4()),
                    "courseId": str(course),
                    "clientId": str(client_id_for(coach_id=coach_id, email=email)),
                    "coachId": str(coach_id),
                    "courseTitle": "Strength 101",
                    "clientEmail": email,
                    "clientName": "",
                    "source": "manual",
                    "accessUrl": None,
                    "transactionId": None,
                    "enrolledAt": "2026-12-01T10:00:00Z",
                },
            ),
        )

    enroll(uuid.uuid4(), "other@example.com")
    enroll(course_id, "casey@example.com")
    assert list(SequenceRun.objects.values_list("recipient_email", "trigger")) == [
        ("casey@example.com", "courses.enrollment.created")
    ]


def test_a_lead_status_starts_its_sequence(coach_id, envelope, deliver_event):
    Template.objects.create(
        key="contacted", coach_id=coach_id, version=1, category="marketing", subject="Hi", text_body="x"
    )
    services.sequence_create(
        coach_id=coach_id,
        name="Contacted",
        trigger="lead_status",
        trigger_value="contacted",
        exit_on_purchase=True,
        steps=[("contacted", 0)],
    )
    lead = _lead(coach_id)
    deliver_event("comms", envelope("leads.lead.created", lead, version=_current("leads.lead.created")))
    for status in ("lost", "contacted"):
        deliver_event(
            "comms",
            envelope(
                "leads.status.changed",
                {
                    "leadId": lead["leadId"],
                    "coachId": str(coach_id),
                    "clientId": lead["clientId"],
                    "fromStatus": "new",
                    "toStatus": status,
                    "changedByUserId": None,
                    "changedAt": "2026-12-02T10:00:00Z",
                },
                version=_current("leads.status.changed"),
            ),
        )
    (run,) = SequenceRun.objects.all()
    assert (run.recipient_email, run.trigger) == ("lena@example.com", "leads.status.changed")


def test_a_step_naming_an_unknown_template_is_refused(coach_id):
    with pytest.raises(InvalidInputError) as refused:
        services.sequence_create(
            coach_id=coach_id, name="X", trigger="manual", trigger_value="", exit_on_purchase=True, steps=[("nope", 0)]
        )
    assert refused.value.code == "template_not_found"


def test_a_new_tag_starts_its_sequence(coach_id, envelope, deliver_event):
    # given the coach's sequence for leads tagged "vip", and one for "runner"
    Template.objects.create(key="vip", coach_id=coach_id, version=1, category="marketing", subject="Hi", text_body="x")
    for tag in ("vip", "runner"):
        services.sequence_create(
            coach_id=coach_id,
            name=f"Tagged {tag}",
            trigger="lead_tagged",
            trigger_value=tag,
            exit_on_purchase=True,
            steps=[("vip", 0)],
        )
    lead = _lead(coach_id)

    def tagged(tag: str) -> dict:
        return envelope(
            "leads.lead.tagged",
            {
                "leadId": lead["leadId"],
                "coachId": str(coach_id),
                "clientId": lead["clientId"],
                "email": "lena@example.com",
                "firstName": "Lena",
                "lastName": "Lead",
                "tag": tag,
                "taggedByUserId": None,
                "taggedAt": "2026-12-02T10:00:00Z",
            },
        )

    # when leads announces the tag vip (delivered twice), and a tag no sequence waits for
    event = tagged("vip")
    deliver_event("comms", event)
    deliver_event("comms", event)
    deliver_event("comms", tagged("yoga"))
    # then one run of the vip sequence started for her, and comms knows her address for segments
    (run,) = SequenceRun.objects.all()
    assert (run.sequence.name, run.recipient_email, run.recipient_name, run.trigger, run.client_id) == (
        "Tagged vip",
        "lena@example.com",
        "Lena Lead",
        "leads.lead.tagged",
        uuid.UUID(lead["clientId"]),
    )
    assert ClientContact.objects.get().email == "lena@example.com"
