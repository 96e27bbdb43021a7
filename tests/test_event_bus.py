"""The event bus end to end on real PostgreSQL and RabbitMQ (and the inline backend).

The handlers under test live in tests/bus_handlers.py: notifications turns each
``leads.lead.created`` into one ``notify.user`` (the effect counted here), analytics records it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

import amqp
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections, transaction
from django.test.utils import isolate_apps
from django.utils import timezone

from nlc.db.router import alias_for_context
from nlc.events import publish, topology
from nlc.events.backends import replay
from nlc.events.broker import ConfirmingPublisher, broker_connection, declare_topology
from nlc.events.contracts import ContractViolationError
from nlc.events.metrics import retried
from nlc.events.models import DeadLetter, InboxEntry, OutboxEvent
from nlc.events.publisher import PublishError
from nlc.events.registry import consumer_topology, context_handler_specs, register, unregister
from nlc.events.relay import Relay
from nlc.testing.tcpproxy import TcpProxy
from tests import bus_handlers
from tests.payloads import lead_payload

ROOT = Path(__file__).resolve().parent.parent
LEADS = alias_for_context("leads")
NOTIFICATIONS = alias_for_context("notifications")
ANALYTICS = alias_for_context("analytics")
HANDLERS = (bus_handlers.notify_coach_of_lead, bus_handlers.count_lead)
BUS_CONTEXTS = ("notifications", "analytics")

bus = pytest.mark.django_db(databases="__all__", transaction=True)


@pytest.fixture
def handlers():
    # The bus is tested with its own handlers in two real contexts: their own handlers (consumers.py)
    # step aside, and their queues go, so that no binding of those handlers outlives them here.
    own = [spec for spec in context_handler_specs() if spec.context in BUS_CONTEXTS]
    for spec in own:
        unregister(spec)
    _drop_bus_context_queues()
    for handler in HANDLERS:
        register(handler.handler_spec)
    bus_handlers.FAULT_FIXED["value"] = False
    yield
    for handler in HANDLERS:
        unregister(handler.handler_spec)
    _drop_bus_context_queues()
    for spec in own:
        register(spec)


def _drop_bus_context_queues() -> None:
    if not settings.BROKER_URL:
        return
    with broker_connection() as connection:
        channel = connection.channel()
        for context in BUS_CONTEXTS:
            channel.queue_delete(topology.context_queue(context))
        channel.close()


@pytest.fixture
def rabbitmq():
    if not settings.BROKER_URL:
        pytest.fail("these tests need RabbitMQ: set BROKER_URL (scripts/test does)")
    with broker_connection() as connection:
        yield connection


def commit_lead(*, aggregate_id: str | None = None, **overrides) -> dict:
    with transaction.atomic(using=LEADS):
        return publish("leads.lead.created", lead_payload(**overrides), aggregate_id=aggregate_id)


class ChangeFailedError(RuntimeError):
    pass


def publish_then_roll_back(payload: dict, published: dict | None = None) -> None:
    """Publish inside a transaction that then fails: the event must never travel."""
    with transaction.atomic(using=LEADS):
        (published if published is not None else {}).update(publish("leads.lead.created", payload))
        raise ChangeFailedError("the change failed")


def effects(envelope: dict) -> int:
    title = bus_handlers.effect_title(envelope["payload"]["leadId"])
    return (
        OutboxEvent.objects.using(NOTIFICATIONS)
        .filter(event_type="notify.user", envelope__payload__title=title)
        .count()
    )


def inbox(alias: str, envelope: dict) -> int:
    """The bus handlers' inbox rows of the event (a worker subprocess also runs the contexts' own)."""
    return InboxEntry.objects.using(alias).filter(event_id=envelope["eventId"], handler__startswith="tests.").count()


def queue_depth(connection, name: str) -> int:
    channel = connection.channel()
    try:
        return channel.queue_declare(name, passive=True).message_count
    finally:
        channel.close()


# -- publishing ---------------------------------------------------------------------------------


@bus
def test_publish_outside_a_transaction_on_its_alias_raises_and_writes_nothing(handlers):
    with pytest.raises(PublishError, match=r"must run inside transaction\.atomic"):
        publish("leads.lead.created", lead_payload())
    with transaction.atomic(using=NOTIFICATIONS), pytest.raises(PublishError):
        publish("leads.lead.created", lead_payload())
    assert OutboxEvent.objects.using(LEADS).count() == 0


@bus
def test_a_payload_that_breaks_its_contract_raises_and_writes_nothing(handlers):
    with transaction.atomic(using=LEADS):
        with pytest.raises(ContractViolationError, match="email"):
            publish("leads.lead.created", lead_payload(email="not-an-email"))
        with pytest.raises(ContractViolationError, match="status"):
            publish("leads.lead.created", lead_payload(status="maybe"))
    assert OutboxEvent.objects.using(LEADS).count() == 0


# -- delivery -----------------------------------------------------------------------------------


@bus
def test_a_committed_event_reaches_each_subscribing_context_once_a_rolled_back_one_never(handlers, event_bus):
    # given one event committed and one whose transaction rolled back
    committed = commit_lead()
    rolled_back: dict = {}
    with pytest.raises(ChangeFailedError):
        publish_then_roll_back(lead_payload(), rolled_back)
    # when the bus settles
    event_bus.settle()
    # then the committed one was applied once by notifications and once by analytics
    assert effects(committed) == 1
    assert inbox(NOTIFICATIONS, committed) == 1
    assert inbox(ANALYTICS, committed) == 1
    assert len(event_bus.events("leads.lead.created", leadId=committed["payload"]["leadId"])) == 1
    # and the rolled-back one exists nowhere
    assert not OutboxEvent.objects.using(LEADS).filter(event_id=rolled_back["eventId"]).exists()
    assert event_bus.events("leads.lead.created", leadId=rolled_back["payload"]["leadId"]) == []
    assert effects(rolled_back) == 0


@bus
def test_the_same_message_delivered_twice_has_its_effects_once(handlers, event_bus, rabbitmq):
    # given an event already delivered and applied
    envelope = commit_lead()
    event_bus.settle()
    assert effects(envelope) == 1
    # when the very same message arrives twice more
    replay("notifications", [envelope, envelope])
    assert event_bus.consume(contexts=["notifications"]) == 2
    # then nothing changed
    assert effects(envelope) == 1
    assert inbox(NOTIFICATIONS, envelope) == 1


@bus
def test_events_committed_while_the_broker_is_away_are_all_delivered_once_it_returns(handlers, event_bus, rabbitmq):
    # given a relay that reaches RabbitMQ through a proxy we can pull
    parsed = urlparse(settings.BROKER_URL)
    proxy = TcpProxy(parsed.hostname, parsed.port or 5672)
    proxy.start()
    proxied_url = settings.BROKER_URL.replace(f"{parsed.hostname}:{parsed.port or 5672}", f"127.0.0.1:{proxy.port}")
    if f":{proxy.port}" not in proxied_url:
        proxied_url = f"amqp://{parsed.username}:{parsed.password}@127.0.0.1:{proxy.port}{parsed.path or '/'}"
    relay = Relay(contexts=["leads"], batch_size=100, publisher=ConfirmingPublisher(proxied_url, confirm_timeout=3))
    stop = threading.Event()

    def run_relay():
        try:
            relay.run_forever(stop)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run_relay, daemon=True)
    thread.start()
    envelopes = [commit_lead() for _ in range(300)]
    # when the broker goes away (open connections dropped, new ones refused) while events commit
    proxy.stop()
    envelopes += [commit_lead() for _ in range(700)]
    time.sleep(1.5)
    pending = OutboxEvent.objects.using(LEADS).filter(published_at__isnull=True)
    assert pending.count() > 0
    assert pending.filter(attempts__gt=0).exclude(last_error="").exists()
    # and comes back
    proxy.start()
    deadline = time.monotonic() + 60
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join(timeout=10)
    proxy.stop()
    # then all 1,000 reached the consumers, and each had its effect exactly once
    assert not pending.exists()
    event_bus.consume()
    assert len(envelopes) == 1000
    assert OutboxEvent.objects.using(NOTIFICATIONS).filter(event_type="notify.user").count() == 1000
    assert all(inbox(NOTIFICATIONS, envelope) == 1 for envelope in envelopes)
    seen = {envelope["eventId"] for envelope in event_bus.events("leads.lead.created")}
    assert seen == {envelope["eventId"] for envelope in envelopes}


def _relay_concurrently(relays: int, *, batch_size: int) -> list[int]:
    counts = [0] * relays
    start = threading.Barrier(relays)

    def work(index: int) -> None:
        relay = Relay(contexts=["leads"], batch_size=batch_size)
        try:
            start.wait()
            counts[index] = relay.drain()
        finally:
            relay.publisher.close()
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(relays)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return counts


@bus
def test_two_relays_at_once_publish_every_row_exactly_once(handlers, event_bus):
    # given 2,000 committed events
    for _ in range(20):
        with transaction.atomic(using=LEADS):
            for _ in range(100):
                publish("leads.lead.created", lead_payload(), aggregate_id=str(uuid.uuid4()))
    # when two relays drain the outbox at the same time
    counts = _relay_concurrently(2, batch_size=50)
    # then each row went out once: the broker saw 2,000 distinct messages and no duplicate
    assert sum(counts) == 2000
    assert min(counts) > 0  # both relays did share the work
    published = [envelope["eventId"] for envelope in event_bus.events("leads.lead.created")]
    assert len(published) == 2000
    assert len(set(published)) == 2000
    assert not OutboxEvent.objects.using(LEADS).filter(published_at__isnull=True).exists()


@bus
def test_one_aggregates_events_arrive_in_commit_order_with_two_relays(handlers, event_bus):
    # given 200 events of one aggregate from 200 transactions, interleaved with other aggregates
    coach = str(uuid.uuid4())
    for index in range(200):
        commit_lead(aggregate_id=coach, lastName=str(index))
        commit_lead(aggregate_id=str(uuid.uuid4()), lastName="noise")
    # when two relays publish them concurrently, in small batches
    _relay_concurrently(2, batch_size=7)
    # then the broker got them in commit order
    sequence = [
        int(e["payload"]["lastName"])
        for e in event_bus.events("leads.lead.created")
        if e["payload"]["lastName"] != "noise"
    ]
    assert sequence == list(range(200))
    # and the consumer applied them in that order
    event_bus.consume(contexts=["notifications"])
    bodies = list(
        OutboxEvent.objects.using(NOTIFICATIONS)
        .filter(event_type="notify.user")
        .exclude(envelope__payload__body="noise")
        .order_by("id")
        .values_list("envelope__payload__body", flat=True)
    )
    assert [int(body) for body in bodies] == list(range(200))


# -- failures -----------------------------------------------------------------------------------


@bus
def test_a_failing_handler_is_retried_then_dead_lettered_and_requeue_processes_it(handlers, event_bus, rabbitmq):
    before = retried.labels("notifications", "leads.lead.created")._value.get()
    # given an event whose handler keeps failing
    envelope = commit_lead(firstName="fail-until-fixed")
    event_bus.relay()
    # when the consumer has tried as often as it may (3 attempts, backoff 50 ms then 100 ms)
    event_bus.consume(contexts=["notifications"], idle=1.0)
    # then it was retried twice and now sits in the dead-letter queue with its error
    assert retried.labels("notifications", "leads.lead.created")._value.get() - before == 2
    letter = DeadLetter.objects.using(NOTIFICATIONS).get(event_id=envelope["eventId"])
    assert letter.attempts == 3
    assert letter.status == DeadLetter.Status.DEAD
    assert letter.reason == f"RuntimeError: cannot notify about {envelope['payload']['leadId']}"
    assert queue_depth(rabbitmq, topology.dead_letter_queue("notifications")) == 1
    assert effects(envelope) == 0
    # and `manage.py events dead-letters list` shows it
    out = StringIO()
    call_command("events", "dead-letters", "list", "--context", "notifications", stdout=out)
    assert str(letter.id) in out.getvalue()
    assert "leads.lead.created" in out.getvalue()
    assert "cannot notify about" in out.getvalue()
    # when the fault is fixed and the dead letters are requeued
    bus_handlers.FAULT_FIXED["value"] = True
    out = StringIO()
    call_command("events", "dead-letters", "requeue", "--context", "notifications", stdout=out)
    assert out.getvalue().strip() == "requeued 1 message(s) of notifications"
    event_bus.consume(contexts=["notifications"])
    # then it is processed, once
    assert effects(envelope) == 1
    assert queue_depth(rabbitmq, topology.dead_letter_queue("notifications")) == 0
    letter.refresh_from_db(using=NOTIFICATIONS)
    assert letter.status == DeadLetter.Status.REQUEUED


@bus
def test_one_dead_letter_is_shown_and_requeued_by_its_id_alone(handlers, event_bus, rabbitmq):
    # given a dead letter of notifications
    envelope = commit_lead(firstName="fail-until-fixed")
    event_bus.relay()
    event_bus.consume(contexts=["notifications"], idle=1.0)
    letter = DeadLetter.objects.using(NOTIFICATIONS).get(event_id=envelope["eventId"])
    # when it is shown by its id, without naming its context
    out = StringIO()
    call_command("events", "dead-letters", "show", str(letter.id), stdout=out)
    # then it is found in notifications and shown in full
    shown = json.loads(out.getvalue())
    assert json.loads(shown.pop("body")) == envelope
    assert shown == {
        "id": str(letter.id),
        "context": "notifications",
        "eventId": envelope["eventId"],
        "type": "leads.lead.created",
        "status": "dead",
        "attempts": 3,
        "reason": f"RuntimeError: cannot notify about {envelope['payload']['leadId']}",
        "createdAt": letter.created_at.isoformat(),
        "lastAttemptAt": letter.last_attempt_at.isoformat(),
    }
    # --context still narrows the search; an unknown id or a malformed one is named in the error
    with pytest.raises(CommandError, match=f"^no dead letter {letter.id} in analytics$"):
        call_command("events", "dead-letters", "show", str(letter.id), "--context", "analytics")
    unknown = uuid.uuid4()
    with pytest.raises(CommandError, match=f"^no dead letter {unknown} in any context$"):
        call_command("events", "dead-letters", "show", str(unknown))
    with pytest.raises(CommandError, match=r"^no dead letter not-a-uuid in any context$"):
        call_command("events", "dead-letters", "show", "not-a-uuid")
    # when the fault is fixed and that one letter is requeued by its id alone
    bus_handlers.FAULT_FIXED["value"] = True
    out = StringIO()
    call_command("events", "dead-letters", "requeue", str(letter.id), stdout=out)
    assert out.getvalue() == "requeued 1 message(s) of notifications\n"
    event_bus.consume(contexts=["notifications"])
    # then it is applied once and marked requeued; the broker's copy waits for a requeue or purge
    assert effects(envelope) == 1
    letter.refresh_from_db(using=NOTIFICATIONS)
    assert letter.status == DeadLetter.Status.REQUEUED
    assert queue_depth(rabbitmq, topology.dead_letter_queue("notifications")) == 1
    # and requeuing it again, or requeuing with neither an id nor a context, is refused
    with pytest.raises(CommandError, match=f"^dead letter {letter.id} of notifications is requeued already$"):
        call_command("events", "dead-letters", "requeue", str(letter.id))
    with pytest.raises(CommandError, match=r"^give a dead letter id, or --context to requeue all of a context's$"):
        call_command("events", "dead-letters", "requeue")
    # a later requeue of the whole context sends the broker's copy, which changes nothing
    call_command("events", "dead-letters", "requeue", "--context", "notifications", stdout=StringIO())
    event_bus.consume(contexts=["notifications"])
    assert effects(envelope) == 1


@bus
def test_purge_drops_dead_letters(handlers, event_bus, rabbitmq):
    commit_lead(firstName="fail-always")
    event_bus.relay()
    event_bus.consume(contexts=["notifications"], idle=1.0)
    assert queue_depth(rabbitmq, topology.dead_letter_queue("notifications")) == 1
    out = StringIO()
    call_command("events", "dead-letters", "purge", "--context", "notifications", stdout=out)
    assert out.getvalue().strip() == "purged 1 message(s) of notifications"
    assert queue_depth(rabbitmq, topology.dead_letter_queue("notifications")) == 0
    assert DeadLetter.objects.using(NOTIFICATIONS).get().status == DeadLetter.Status.PURGED


@bus
def test_a_broken_envelope_is_dead_lettered_with_its_reason_and_the_next_message_is_handled(
    handlers, event_bus, rabbitmq
):
    # given garbage, an envelope of an unknown version, and then a good event on the queue
    declare_topology(rabbitmq, consumer_topology())
    channel = rabbitmq.channel()
    queue = topology.context_queue("notifications")
    channel.basic_publish(amqp.Message(b"{not json", content_type="application/json"), "", queue)
    future = {**lead_payload(), "extra": 1}
    unknown_version = {
        "eventId": str(uuid.uuid4()),
        "type": "leads.lead.created",
        "occurredAt": timezone.now().isoformat(),
        "producer": "leads",
        "schemaVersion": 99,
        "traceId": uuid.uuid4().hex,
        "source": "test",
        "payload": future,
    }
    channel.basic_publish(amqp.Message(json.dumps(unknown_version).encode()), "", queue)
    channel.close()
    good = commit_lead()
    event_bus.relay()
    # when the consumer runs
    event_bus.consume(contexts=["notifications"])
    # then both bad messages are dead letters with a reason, and the good one was applied
    reasons = sorted(DeadLetter.objects.using(NOTIFICATIONS).values_list("reason", flat=True))
    assert len(reasons) == 2
    assert reasons[0].startswith("broken envelope: body is not JSON")
    assert reasons[1] == "leads.lead.created version 99 is not accepted by notifications"
    assert queue_depth(rabbitmq, topology.dead_letter_queue("notifications")) == 2
    assert effects(good) == 1


# -- a consumer process killed in the middle of a handler -----------------------------------------


def _worker_env() -> dict:
    test_db = connections["default"].settings_dict["NAME"]
    database_url = urlparse(settings.DATABASE_URL)._replace(path=f"/{test_db}").geturl()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL_")}
    env.update(
        DATABASE_URL=database_url,
        BROKER_URL=settings.BROKER_URL,
        NLC_BUS_NAMESPACE=settings.NLC_BUS_NAMESPACE,
        NLC_EXTRA_CONSUMER_MODULES="tests.bus_handlers",
        EVENTS_RETRY_BASE_SECONDS=str(settings.NLC_EVENTS["RETRY_BASE_SECONDS"]),
        EVENTS_MAX_ATTEMPTS=str(settings.NLC_EVENTS["MAX_ATTEMPTS"]),
        NLC_ENV="test",
    )
    return env


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _handler_mid_transaction() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'nlc-notifications' AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@bus
def test_a_worker_killed_in_the_middle_of_a_handler_gets_the_message_back_and_applies_it_once(
    handlers, event_bus, rabbitmq
):
    # given a Celery worker hosting the consumers, busy in the middle of a slow handler
    declare_topology(rabbitmq, consumer_topology())
    envelope = commit_lead(firstName="slow")
    event_bus.relay()
    worker = _start_worker()
    try:
        assert _wait(_handler_mid_transaction, 60), "the worker never started the handler"
        # when the worker is killed there
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        # then nothing of the handler committed
        assert effects(envelope) == 0
        # and a new worker gets the message back and applies it exactly once
        worker = _start_worker()
        assert _wait(lambda: effects(envelope) == 1, 60), "the redelivered message was not applied"
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert effects(envelope) == 1
    assert inbox(NOTIFICATIONS, envelope) == 1
    assert queue_depth(rabbitmq, topology.context_queue("notifications")) == 0


# -- topology -----------------------------------------------------------------------------------


@bus
def test_declare_is_idempotent_and_queues_are_quorum_queues_with_a_delivery_limit(handlers, rabbitmq):
    # given the topology declared twice through the command
    call_command("events", "declare", stdout=StringIO())
    call_command("events", "declare", stdout=StringIO())
    # then redeclaring a queue as anything but a quorum queue with its delivery limit is refused
    queue = topology.context_queue("notifications")
    for arguments in ({"x-queue-type": "classic"}, {"x-queue-type": "quorum", "x-delivery-limit": 1}):
        channel = rabbitmq.channel()
        with pytest.raises(amqp.exceptions.PreconditionFailed):
            channel.queue_declare(queue, durable=True, arguments=arguments)
    # and the webhooks fanout exchange exists (a passive declare of a missing one would fail)
    channel = rabbitmq.channel()
    channel.exchange_declare(topology.webhooks_exchange(), "fanout", passive=True)
    channel.exchange_declare(topology.dead_letter_exchange("notifications"), "fanout", passive=True)
    channel.close()


# -- trace --------------------------------------------------------------------------------------


@bus
def test_the_trace_id_travels_in_the_envelope_the_amqp_headers_the_logs_and_the_next_event(
    handlers, event_bus, client, caplog
):
    from nlc.observability.logging import RequestContextFilter

    caplog.handler.addFilter(RequestContextFilter())
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    # given an event published while handling a request that carried a traceparent
    from nlc.observability.context import trace_id_var

    token = trace_id_var.set(trace_id)
    try:
        envelope = commit_lead()
    finally:
        trace_id_var.reset(token)
    # when it travels and is handled
    with caplog.at_level("DEBUG", logger="nlc.events.dispatch"):
        event_bus.settle()
    # then the trace id is in the envelope, the AMQP traceparent header, the handler's log lines,
    # and the event the handler published in turn
    assert envelope["traceId"] == trace_id
    assert event_bus.headers[envelope["eventId"]]["traceparent"].startswith(f"00-{trace_id}-")
    applied = [r for r in caplog.records if r.getMessage() == "event applied" and r.event_id == envelope["eventId"]]
    assert applied
    assert {r.trace_id for r in applied} == {trace_id}
    follow_up = event_bus.wait_for("notify.user", title=bus_handlers.effect_title(envelope["payload"]["leadId"]))
    assert follow_up["traceId"] == trace_id


# -- inline backend -----------------------------------------------------------------------------


@bus
def test_the_inline_backend_delivers_on_commit_with_the_same_inbox_rules(handlers, settings):
    settings.BROKER_URL = ""
    from nlc.events.inline import deliver_with_retries

    # given one committed and one rolled-back event
    committed = commit_lead()
    with pytest.raises(ChangeFailedError):
        publish_then_roll_back(lead_payload(leadId=str(uuid.uuid4()), firstName="rolled"))
    # then the committed one was applied on commit, once per context, and marked published
    assert effects(committed) == 1
    assert inbox(ANALYTICS, committed) == 1
    assert OutboxEvent.objects.using(LEADS).get().published_at is not None
    # the rolled-back one never was
    assert OutboxEvent.objects.using(NOTIFICATIONS).filter(event_type="notify.user").count() == 1
    # a redelivery changes nothing
    assert deliver_with_retries("notifications", committed) is True
    assert effects(committed) == 1
    # a failing handler ends as a dead letter, and requeue applies it once fixed
    failing = commit_lead(firstName="fail-until-fixed")
    letter = DeadLetter.objects.using(NOTIFICATIONS).get(event_id=failing["eventId"])
    assert letter.attempts == 3
    bus_handlers.FAULT_FIXED["value"] = True
    call_command("events", "dead-letters", "requeue", "--context", "notifications", stdout=StringIO())
    assert effects(failing) == 1


@bus
def test_the_event_bus_probe_works_on_the_inline_backend(handlers, settings):
    settings.BROKER_URL = ""
    from nlc.events.testing import EventBusProbe

    probe = EventBusProbe()
    try:
        envelope = commit_lead()
        found = probe.wait_for("leads.lead.created", leadId=envelope["payload"]["leadId"])
        assert found["eventId"] == envelope["eventId"]
        probe.assert_no_event("leads.lead.created", leadId="someone else")
    finally:
        probe.close()


# -- operations ---------------------------------------------------------------------------------


@bus
def test_replay_sends_stored_events_to_one_context(handlers, event_bus, rabbitmq):
    # given two events applied by analytics, and a handler's inbox emptied (as for a new handler)
    first, second = commit_lead(), commit_lead()
    event_bus.settle()
    InboxEntry.objects.using(ANALYTICS).all().delete()
    # when they are replayed to analytics only
    out = StringIO()
    call_command(
        "events",
        "replay",
        "--type",
        "leads.lead.created",
        "--to",
        "analytics",
        "--since",
        (timezone.now() - timezone.timedelta(hours=1)).isoformat(),
        stdout=out,
    )
    event_bus.consume()
    # then analytics applied both again, and notifications (not targeted) nothing more
    assert out.getvalue().startswith("replayed 2 leads.lead.created event(s) to analytics")
    assert inbox(ANALYTICS, first) == 1
    assert inbox(ANALYTICS, second) == 1
    assert effects(first) == 1
    assert effects(second) == 1
    # and a date without a zone is read as UTC; replaying again changes nothing
    out = StringIO()
    call_command(
        "events", "replay", "--type", "leads.lead.created", "--to", "analytics", "--since", "2000-01-01", stdout=out
    )
    event_bus.consume()
    assert out.getvalue().startswith("replayed 2 leads.lead.created event(s) to analytics")
    assert inbox(ANALYTICS, first) == 1
    assert inbox(ANALYTICS, second) == 1


@bus
def test_backlog_metrics_and_pruning(handlers, client):
    # given three unpublished events and one published long ago
    for _ in range(3):
        commit_lead()
    old = commit_lead()
    OutboxEvent.objects.using(LEADS).filter(event_id=old["eventId"]).update(
        published_at=timezone.now() - timezone.timedelta(days=30)
    )
    # then /metrics reports the backlog and `events backlog` too
    metrics = client.get("/metrics").content.decode()
    assert 'nlc_outbox_backlog{context="leads"} 3.0' in metrics
    assert 'nlc_outbox_oldest_unpublished_age_seconds{context="leads"}' in metrics
    out = StringIO()
    call_command("events", "backlog", stdout=out)
    assert [line.split()[:2] for line in out.getvalue().splitlines() if line.startswith("leads")] == [["leads", "3"]]
    # and pruning removes only the old published row
    assert Relay(contexts=["leads"]).prune() == 1
    assert OutboxEvent.objects.using(LEADS).count() == 3


@bus
def test_outbox_and_dead_letters_are_visible_in_the_admin(handlers, client, django_user_model):
    envelope = commit_lead()
    DeadLetter.objects.using(NOTIFICATIONS).create(body="{}", reason="because", attempts=3, event_type="x.y")
    admin = django_user_model.objects.create_user("ops@example.com", "s3cure-Passw0rd", role="admin")
    client.force_login(admin)
    page = client.get("/admin/nlc_events/outboxevent/?context=leads")
    assert page.status_code == 200
    assert envelope["eventId"] in page.content.decode()
    assert "leads.lead.created" in page.content.decode()
    letters = client.get("/admin/nlc_events/deadletter/?context=notifications")
    assert letters.status_code == 200
    assert "because" in letters.content.decode()


# -- architecture -------------------------------------------------------------------------------


@isolate_apps("contexts.billing", "contexts.courses")
def test_a_relation_across_contexts_fails_the_system_check():
    from django.db import models

    from nlc.events.checks import cross_context_relation_errors

    class Course(models.Model):
        class Meta:
            app_label = "courses"

    class Invoice(models.Model):
        course = models.ForeignKey(Course, on_delete=models.CASCADE)

        class Meta:
            app_label = "billing"

    class Line(models.Model):
        invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE)

        class Meta:
            app_label = "billing"

    errors = cross_context_relation_errors([Course, Invoice, Line])
    assert [error.id for error in errors] == ["nlc.E001"]
    assert "billing.Invoice.course relates to courses.Course" in errors[0].msg


def test_the_project_has_no_relation_across_contexts():
    from django.core import checks

    assert [e for e in checks.run_checks() if e.id.startswith("nlc.")] == []


@bus
def test_events_that_carry_a_secret_leave_the_outbox_once_delivered(handlers, event_bus, settings):
    # given lead events declared ephemeral (as password-reset links are by default)
    settings.NLC_EVENTS = {**settings.NLC_EVENTS, "EPHEMERAL_TYPES": ["leads.lead.created"]}
    envelope = commit_lead()
    # when the relay has published it
    event_bus.settle()
    # then it was delivered, and nothing of it is kept in the outbox
    assert effects(envelope) == 1
    assert not OutboxEvent.objects.using(LEADS).filter(event_id=envelope["eventId"]).exists()


def test_password_reset_links_are_ephemeral_by_default():
    from django.conf import settings as project_settings

    assert {"auth.password.reset_requested", "courses.enrollment.created"} <= set(
        project_settings.NLC_EVENTS["EPHEMERAL_TYPES"]
    )


@bus
def test_the_events_command_lists_contracts_and_pending_rows(handlers):
    # given one unpublished event
    envelope = commit_lead()
    # then `events contracts` lists every contract with its producer and the snapshot holds
    out = StringIO()
    call_command("events", "contracts", stdout=out)
    assert any(
        line.startswith("leads.lead.created") and "producer=leads" in line for line in out.getvalue().splitlines()
    )
    # and `events outbox` shows the row with its attempts and next try
    out = StringIO()
    call_command("events", "outbox", "--context", "leads", stdout=out)
    [line] = out.getvalue().splitlines()
    assert envelope["eventId"] in line
    assert "attempts=0" in line


@bus
def test_relay_outbox_once_with_two_workers_publishes_every_row_once(handlers, event_bus):
    # given 300 committed events
    with transaction.atomic(using=LEADS):
        envelopes = [publish("leads.lead.created", lead_payload(), aggregate_id=str(uuid.uuid4())) for _ in range(300)]
    # when the relay command drains them with two threads
    out = StringIO()
    call_command("relay_outbox", "--once", "--workers", "2", "--batch-size", "20", stdout=out)
    # then each went out exactly once
    assert out.getvalue().strip() == "published 300 event(s)"
    published = [e["eventId"] for e in event_bus.events("leads.lead.created")]
    assert sorted(published) == sorted(e["eventId"] for e in envelopes)
