"""Erasure (leads.client.erased): what comms holds about a coach's person is emptied or removed, what
waits to be sent to them is cancelled, and that coach never mails them again; another coach's rows
with the same address, and the coach's other clients, stay as they were."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from contexts.comms import services
from contexts.comms.models import (
    ClientContact,
    CourseMember,
    ErasedClient,
    MailgunEvent,
    Message,
    ScheduledEmail,
    SequenceRun,
    Suppression,
    Template,
)
from contexts.comms.tests.test_tracking import _body, _webhook
from nlc.clients import client_id_for
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases="__all__")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
JOAN = "joan@example.com"
ACCESS_URL = "https://learn.nextlevelcoach.ai/access/secret"


def _enrolled(envelope, deliver_event, *, coach_id, email: str, name: str) -> uuid.UUID:
    """``email`` enrolled in one of the coach's courses (comms keeps the address, mails the link)."""
    client_id = client_id_for(coach_id=coach_id, email=email)
    deliver_event(
        "comms",
        envelope(
            "courses.enrollment.created",
            {
                "enrollmentId": str(uuid.uuid4()),
                "courseId": str(uuid.uuid4()),
                "clientId": str(client_id),
                "coachId": str(coach_id),
                "courseTitle": "Strength 101",
                "clientEmail": email,
                "clientName": name,
                "source": "manual",
                "accessUrl": ACCESS_URL,
                "transactionId": None,
                "enrolledAt": "2026-12-01T10:00:00Z",
            },
        ),
    )
    return client_id


def _nurture(coach_id):
    """A coach's two-step marketing sequence on new enrollments: at once, then a day later."""
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
        name="Nurture",
        trigger="enrollment_created",
        trigger_value="",
        exit_on_purchase=False,
        steps=[("nurture_1", 0), ("nurture_2", 86400)],
    )


def _erased(envelope, *, coach_id, client_id) -> dict:
    return envelope(
        "leads.client.erased",
        {
            "clientId": str(client_id),
            "coachId": str(coach_id),
            "requestedByUserId": str(uuid.uuid4()),
            "requestedByRole": "coach",
            "erasedAt": "2026-12-01T12:00:00Z",
        },
    )


@pytest.fixture
def world(envelope, deliver_event, fake_mailgun, send_tasks, coach_id, other_coach_id):
    """Joan is a client of the coach (access e-mail sent, first sequence step queued, a scheduled
    e-mail waiting, unsubscribed from the coach's mail); Kim is another client of the coach; Joan is
    also a client of another coach, with the same kind of rows."""
    with time_machine.travel(NOW, tick=False):
        for coach in (coach_id, other_coach_id):
            _nurture(coach)
            Template.objects.create(
                key="announcement", coach_id=coach, version=1, category="marketing", subject="News", text_body="x"
            )
        joan = _enrolled(envelope, deliver_event, coach_id=coach_id, email=JOAN, name="Joan Doe")
        kim = _enrolled(envelope, deliver_event, coach_id=coach_id, email="kim@example.com", name="Kim")
        elsewhere = _enrolled(envelope, deliver_event, coach_id=other_coach_id, email=JOAN, name="Joan Doe")
        assert send_tasks.run() == ["sent"] * 3
        assert services.sequence_advance_due() == 3  # the first step of each, queued (not sent yet)
        for coach in (coach_id, other_coach_id):
            services.scheduled_email_create(
                coach_id=coach,
                template_key="announcement",
                send_at=NOW + timedelta(days=3),
                to_email="Joan@Example.com",
                to_name="Joan Doe",
                data={"note": "for Joan"},
            )
        services.suppression_add(email=JOAN, coach_id=coach_id, reason="unsubscribe")
    return {"joan": joan, "kim": kim, "elsewhere": elsewhere}


def _rows(model, **filters) -> list:
    return list(model.objects.filter(**filters).order_by("created_at"))


def test_erasure_empties_the_persons_rows_and_cancels_what_waits(
    envelope, deliver_event, world, coach_id, other_coach_id, send_tasks, fake_mailgun
):
    untouched = {
        "kim": [(m.recipient_email, m.subject, m.status) for m in _rows(Message, recipient_email="kim@example.com")],
        "elsewhere": [(m.recipient_email, m.subject, m.status) for m in _rows(Message, coach_id=other_coach_id)],
    }
    # when leads announces Joan's erasure for the coach, delivered twice
    event = _erased(envelope, coach_id=coach_id, client_id=world["joan"])
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        assert deliver_event("comms", event) == 1
        assert deliver_event("comms", event) == 0
    erased_at = NOW + timedelta(hours=2)
    # then her messages keep their status and template, and lose address, name and content
    joans = _rows(Message, coach_id=coach_id, client_id=world["joan"])
    assert [
        (m.template_key, m.status, m.recipient_email, m.recipient_name, m.subject, m.text_body, m.html_body)
        for m in joans
    ] == [
        ("enrollment_access", "sent", "", "", "", "", ""),
        ("nurture_1", "suppressed", "", "", "", "", ""),  # queued: cancelled
    ]
    assert [(m.erased_at, m.last_error, m.secrets) for m in joans] == [
        (erased_at, "", []),
        (erased_at, "suppressed: erased", []),
    ]
    # her run exited, her scheduled e-mail is cancelled and emptied, her contact and memberships gone
    (run,) = SequenceRun.objects.filter(coach_id=coach_id, client_id=world["joan"])
    assert (run.status, run.exit_reason, run.ended_at, run.next_send_at, run.recipient_email, run.recipient_name) == (
        "exited",
        "erased",
        erased_at,
        None,
        "",
        "",
    )
    (scheduled,) = ScheduledEmail.objects.filter(coach_id=coach_id)
    assert (scheduled.status, scheduled.to_email, scheduled.to_name, scheduled.data) == ("cancelled", "", "", {})
    assert not ClientContact.objects.filter(coach_id=coach_id, client_id=world["joan"]).exists()
    assert not CourseMember.objects.filter(coach_id=coach_id, client_id=world["joan"]).exists()
    assert not Suppression.objects.filter(coach_id=coach_id).exists()
    # and what is kept to stop the coach's mail names her by clientId only
    assert list(ErasedClient.objects.values_list("coach_id", "client_id")) == [(coach_id, world["joan"])]
    # the coach's other client and the other coach's Joan are as they were
    assert [
        (m.recipient_email, m.subject, m.status) for m in _rows(Message, recipient_email="kim@example.com")
    ] == untouched["kim"]
    assert [(m.recipient_email, m.subject, m.status) for m in _rows(Message, coach_id=other_coach_id)] == untouched[
        "elsewhere"
    ]
    assert sorted(SequenceRun.objects.filter(status="active").values_list("recipient_email", "coach_id")) == sorted(
        [("kim@example.com", coach_id), (JOAN, other_coach_id)]
    )
    assert ScheduledEmail.objects.get(coach_id=other_coach_id).to_email == "Joan@Example.com"
    assert ClientContact.objects.filter(coach_id=other_coach_id, email=JOAN).exists()
    # and the queued step is never sent: the send tasks find nothing to send to her
    assert sorted(send_tasks.run()) == ["sent", "sent", "skipped"]
    assert sorted(request.field("o:tag") for request in fake_mailgun.requests[3:]) == ["nurture_1", "nurture_1"]
    assert {request.field("to") for request in fake_mailgun.requests[3:]} == {
        "Kim <kim@example.com>",
        "Joan Doe <joan@example.com>",
    }


def test_the_coach_never_mails_the_erased_address_again(envelope, deliver_event, world, coach_id, other_coach_id):
    deliver_event("comms", _erased(envelope, coach_id=coach_id, client_id=world["joan"]))
    # when the coach's mail would go to her again (a new enrollment, her address written in another case)
    again = _enrolled(envelope, deliver_event, coach_id=coach_id, email="JOAN@Example.com", name="Joan Doe")
    # then the message is kept as asked for, suppressed, with nothing of her in it
    assert again == world["joan"]
    message = Message.objects.get(coach_id=coach_id, template_key="enrollment_access", status="suppressed")
    assert (
        message.recipient_email,
        message.recipient_name,
        message.subject,
        message.text_body,
        message.last_error,
        message.erased_at is not None,
    ) == ("", "", "", "", "suppressed: erased", True)
    # while the other coach still writes to her, and platform mail (a reset link) still reaches her
    _enrolled(envelope, deliver_event, coach_id=other_coach_id, email=JOAN, name="Joan Doe")
    assert (
        Message.objects.filter(
            coach_id=other_coach_id, status="queued", recipient_email=JOAN, template_key="enrollment_access"
        ).count()
        == 1
    )
    reset = services.password_reset_email_queue(
        event_id=uuid.uuid4(),
        email=JOAN,
        first_name="Joan",
        reset_url="https://app.nextlevelcoach.ai/reset?token=t",
        expires_at=NOW + timedelta(days=1),
    )
    assert (reset.status, reset.recipient_email) == ("queued", JOAN)


def test_a_send_claimed_after_the_erasure_is_not_sent(world, coach_id, send_tasks, fake_mailgun):
    # given a message to Joan queued by a transaction that did not see her erasure commit (and her
    # unsubscribe undone, so that marketing mail would go)
    Suppression.objects.all().delete()
    queued = services.message_queue(
        key="announcement", to_email=JOAN, to_name="Joan Doe", context={}, coach_id=coach_id, sender_coach_id=coach_id
    )
    assert queued.status == "queued"
    ErasedClient.objects.create(coach_id=coach_id, client_id=world["joan"], erased_at=NOW)
    requests_before = len(fake_mailgun.requests)
    # when a worker claims it
    assert services.message_deliver(message_id=queued.id) == "suppressed"
    # then Mailgun is not called, and the row is emptied
    assert len(fake_mailgun.requests) == requests_before
    queued.refresh_from_db()
    assert (queued.status, queued.recipient_email, queued.subject, queued.last_error) == (
        "suppressed",
        "",
        "",
        "suppressed: erased",
    )
    assert queued.erased_at is not None


def test_mailguns_later_events_about_an_erased_message_are_ignored(envelope, deliver_event, world, coach_id):
    access = Message.objects.get(coach_id=coach_id, client_id=world["joan"], template_key="enrollment_access")
    deliver_event("comms", _erased(envelope, coach_id=coach_id, client_id=world["joan"]))
    published_before = len(published_events(context="comms"))
    # when Mailgun reports an open and a complaint about it
    for name in ("opened", "complained"):
        deliver_event("comms", _webhook(envelope, _body(name, message=access)))
    # then nothing of hers comes back: no status move, no suppression by address, nothing published
    access.refresh_from_db()
    assert (access.status, access.recipient_email) == ("sent", "")
    assert set(MailgunEvent.objects.values_list("outcome", "note")) == {("ignored", "erased recipient")}
    assert not Suppression.objects.filter(email="").exists()
    assert len(published_events(context="comms")) == published_before


def test_erasing_someone_comms_never_heard_of_only_keeps_them_from_the_coachs_mail(envelope, deliver_event, coach_id):
    client_id = client_id_for(coach_id=coach_id, email="nobody@example.com")
    deliver_event("comms", _erased(envelope, coach_id=coach_id, client_id=client_id))
    assert list(ErasedClient.objects.values_list("coach_id", "client_id")) == [(coach_id, client_id)]
    assert Message.objects.count() == 0
