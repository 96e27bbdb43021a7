"""Scheduled e-mails go exactly once: at their time, to one recipient or a segment of the coach's own
clients, with two workers racing for them, and none lost when a worker dies half-way."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connections

from contexts.comms import services
from contexts.comms.models import Message, ScheduledEmail, Template
from contexts.comms.services import scheduled as scheduled_module
from nlc.errors import InvalidInputError

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)


@pytest.fixture
def announcement(coach_id) -> Template:
    return Template.objects.create(
        key="announcement",
        coach_id=coach_id,
        version=1,
        category="marketing",
        subject="News for {{ name|default:'you' }}",
        text_body="{{ news }}",
    )


def _clients(coach_id, course_id, count: int = 3) -> list[str]:
    """``count`` clients of the coach, all in ``course_id`` but the last."""
    emails = [f"client{number}@example.com" for number in range(count)]
    for number, email in enumerate(emails):
        client_id = uuid.uuid4()
        services.client_contact_record(coach_id=coach_id, client_id=client_id, email=email, name=f"Client {number}")
        if number < count - 1:
            services.course_member_record(coach_id=coach_id, course_id=course_id, client_id=client_id)
    return emails


def _schedule(coach_id, **fields) -> ScheduledEmail:
    with time_machine.travel(NOW, tick=False):
        return services.scheduled_email_create(
            coach_id=coach_id, template_key="announcement", send_at=LATER, data={"news": "New course!"}, **fields
        )


@pytest.mark.django_db(databases="__all__")
def test_a_scheduled_email_goes_once_at_its_time(announcement, coach_id):
    scheduled = _schedule(coach_id, to_email="joan@example.com", to_name="Joan")
    # before its time, nothing
    with time_machine.travel(LATER - timedelta(seconds=1), tick=False):
        assert services.scheduled_email_send_due() == 0
    assert Message.objects.count() == 0
    # at its time, one message; the next beat finds nothing more
    with time_machine.travel(LATER, tick=False):
        assert services.scheduled_email_send_due() == 1
        assert services.scheduled_email_send_due() == 0
    (message,) = Message.objects.all()
    assert (message.recipient_email, message.subject, message.text_body, message.category) == (
        "joan@example.com",
        "News for Joan",
        "New course!",
        "marketing",
    )
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.message_count, scheduled.processed_at) == ("sent", 1, LATER)


@pytest.mark.django_db(databases="__all__")
def test_a_segment_is_the_coachs_own_clients(announcement, coach_id, other_coach_id):
    course_id = uuid.uuid4()
    emails = _clients(coach_id, course_id)
    services.client_contact_record(coach_id=other_coach_id, client_id=uuid.uuid4(), email="x@example.com", name="")
    _schedule(coach_id, segment="all_clients")
    _schedule(coach_id, segment="course", course_id=course_id)
    with time_machine.travel(LATER, tick=False):
        assert services.scheduled_email_send_due() == 2
    assert sorted(Message.objects.values_list("recipient_email", flat=True)) == sorted([*emails, *emails[:-1]])


@pytest.mark.django_db(databases="__all__")
def test_a_worker_dying_half_way_loses_nothing_and_doubles_nothing(announcement, coach_id, monkeypatch):
    emails = _clients(coach_id, uuid.uuid4())
    scheduled = _schedule(coach_id, segment="all_clients")
    real_queue = scheduled_module.message_queue
    calls = []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs["to_email"])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_queue(**kwargs)

    # given a worker that dies after queueing the first recipient's message
    monkeypatch.setattr(scheduled_module, "message_queue", dies_on_the_second)
    with time_machine.travel(LATER, tick=False), pytest.raises(RuntimeError):
        services.scheduled_email_send_due()
    # then nothing of it stayed: the row is still scheduled, no message exists
    scheduled.refresh_from_db()
    assert scheduled.status == "scheduled"
    assert Message.objects.count() == 0
    # when the next beat runs (the worker restarted)
    monkeypatch.setattr(scheduled_module, "message_queue", real_queue)
    with time_machine.travel(LATER + timedelta(seconds=30), tick=False):
        assert services.scheduled_email_send_due() == 1
    # then each client got it once
    assert sorted(Message.objects.values_list("recipient_email", flat=True)) == emails


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_two_workers_send_each_scheduled_email_exactly_once(announcement, coach_id, monkeypatch):
    # given four scheduled e-mails to three clients each, all due
    _clients(coach_id, uuid.uuid4())
    for _ in range(4):
        _schedule(coach_id, segment="all_clients")
    # and queueing a message takes a while (so the two workers overlap)
    real_queue = scheduled_module.message_queue

    def slow_queue(**kwargs):
        threading.Event().wait(0.02)
        return real_queue(**kwargs)

    monkeypatch.setattr(scheduled_module, "message_queue", slow_queue)
    start = threading.Barrier(2)
    claimed: list[int] = []

    def worker():
        try:
            start.wait()
            claimed.append(services.scheduled_email_send_due(limit=2))
        finally:
            connections.close_all()

    # when two workers run the due sends at the same moment
    threads = [threading.Thread(target=worker) for _ in range(2)]
    with time_machine.travel(LATER, tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        claimed.append(services.scheduled_email_send_due())
    # then every row was claimed once, and every client got each e-mail once
    assert sorted(claimed) == [0, 2, 2]
    assert Message.objects.count() == 12
    assert set(ScheduledEmail.objects.values_list("status", "message_count")) == {("sent", 3)}


@pytest.mark.django_db(databases="__all__")
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "to_email"),
        ({"to_email": "joan@example.com", "segment": "all_clients"}, "to_email"),
        ({"segment": "course"}, "course_id"),
    ],
)
def test_a_scheduled_email_needs_one_audience(announcement, coach_id, fields, field):
    with pytest.raises(InvalidInputError) as refused:
        _schedule(coach_id, **fields)
    assert list(refused.value.field_errors) == [field]


@pytest.mark.django_db(databases="__all__")
def test_a_scheduled_email_in_the_past_is_refused(announcement, coach_id):
    with time_machine.travel(LATER, tick=False), pytest.raises(InvalidInputError) as refused:
        services.scheduled_email_create(coach_id=coach_id, template_key="announcement", send_at=NOW, to_email="a@b.co")
    assert list(refused.value.field_errors) == ["send_at"]


@pytest.mark.django_db(databases="__all__")
def test_a_cancelled_scheduled_email_never_goes(announcement, coach_id):
    scheduled = _schedule(coach_id, to_email="joan@example.com")
    services.scheduled_email_cancel(scheduled=scheduled)
    with time_machine.travel(LATER, tick=False):
        assert services.scheduled_email_send_due() == 0
    assert Message.objects.count() == 0
