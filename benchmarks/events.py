"""scripts/bench events: the event bus's numbers on this machine's PostgreSQL and RabbitMQ.

Prints, in one run:
1. the ceilings: raw publishing with publisher confirms, one by one and in batches of 100, and the
   raw rate of single-row commits on PostgreSQL;
2. events/s the relay drains from a backlog of 20,000 committed rows, confirmed on the broker;
3. commit-to-handler-done latency p50/p99 at a steady 200 events/s (relay and worker processes);
4. events/s one consumer process applies with inbox dedupe;
and the ratios the targets speak of. It builds a scratch database and a namespaced broker topology
and removes both at the end.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["NLC_BUS_NAMESPACE"] = f"bench.{os.getpid()}."
os.environ["NLC_EXTRA_CONSUMER_MODULES"] = "benchmarks.handlers"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from kombu import Connection, Exchange, Producer  # noqa: E402

from nlc.db.router import alias_for_context  # noqa: E402
from nlc.events import publish, topology  # noqa: E402
from nlc.events.broker import (  # noqa: E402
    ConsumerLoop,
    broker_connection,
    declare_topology,
    delete_topology,
    json_body,
    message_properties,
)
from nlc.events.models import InboxEntry  # noqa: E402
from nlc.events.registry import consumer_topology, context_handler_specs, register, unregister  # noqa: E402
from nlc.events.relay import Relay, drain_with_workers  # noqa: E402
from nlc.testing.database import create_test_layout, drop_test_layout  # noqa: E402
from tests.payloads import lead_payload  # noqa: E402

LEADS, ANALYTICS = alias_for_context("leads"), alias_for_context("analytics")
TYPE = "leads.lead.created"


def sample_envelope() -> dict:
    with transaction.atomic(using=LEADS):
        envelope = publish(TYPE, lead_payload())
        transaction.set_rollback(True, using=LEADS)
    return envelope


def purge_queues(connection: Connection) -> None:
    channel = connection.channel()
    for context in consumer_topology():
        channel.queue_purge(topology.context_queue(context))
    channel.close()


# -- 1. ceilings --------------------------------------------------------------------------------
def _same_message() -> tuple[bytes, dict]:
    """The body and AMQP properties the relay sends for an event (message id, type, traceparent)."""
    envelope = sample_envelope()
    return json_body(envelope), message_properties(envelope)


def _kombu_publish(producer: Producer, body: bytes, properties: dict) -> None:
    producer.publish(
        body,
        routing_key=TYPE,
        delivery_mode=2,
        content_type="application/json",
        content_encoding="utf-8",
        message_id=properties["message_id"],
        type=properties["type"],
        headers=properties.get("application_headers"),
        declare=[],
        retry=False,
    )


def raw_confirm_one_by_one(count: int) -> float:
    body, properties = _same_message()
    with Connection(settings.BROKER_URL, transport_options={"confirm_publish": True}) as connection:
        producer = Producer(connection.channel(), exchange=Exchange(topology.domain_exchange(), type="topic"))
        started = time.perf_counter()
        for _ in range(count):
            _kombu_publish(producer, body, properties)
        elapsed = time.perf_counter() - started
        purge_queues(connection)
    return count / elapsed


def raw_confirm_batches(count: int, batch: int = 100) -> float:
    """kombu's Producer on a channel in confirm mode: a batch out, then wait for its acks."""
    body, properties = _same_message()
    with broker_connection() as connection:
        channel = connection.channel()
        channel.confirm_select()
        acked = {"upto": 0}
        channel.events["basic_ack"].add(lambda tag, multiple: acked.__setitem__("upto", max(acked["upto"], tag)))
        producer = Producer(channel, exchange=Exchange(topology.domain_exchange(), type="topic"))
        started = time.perf_counter()
        tag = 0
        for _ in range(count // batch):
            for _ in range(batch):
                _kombu_publish(producer, body, properties)
                tag += 1
            while acked["upto"] < tag:
                connection.drain_events(timeout=10)
        elapsed = time.perf_counter() - started
        channel.close()
        purge_queues(connection)
    return count / elapsed


def raw_single_row_commits(count: int) -> float:
    db = connections["default"].settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"] or None, host=db["HOST"] or None, port=db["PORT"] or None, autocommit=True
    ) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS public.bench_commit (id bigserial primary key, body jsonb)")
        body = json_body(sample_envelope()).decode()
        started = time.perf_counter()
        for _ in range(count):
            connection.execute("INSERT INTO public.bench_commit (body) VALUES (%s)", [body])
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE public.bench_commit")
    return count / elapsed


# -- 2. relay drain -----------------------------------------------------------------------------
def relay_drain(count: int) -> float:
    for _ in range(count // 500):
        with transaction.atomic(using=LEADS):
            for _ in range(500):
                publish(TYPE, lead_payload(), aggregate_id=str(uuid.uuid4()))
    connections.close_all()
    started = time.perf_counter()
    published = drain_with_workers(workers=settings.NLC_EVENTS["RELAY_WORKERS"], contexts=["leads"], batch_size=500)
    elapsed = time.perf_counter() - started
    assert published == count, published
    with broker_connection() as connection:
        purge_queues(connection)
    return count / elapsed


# -- 3. latency at a steady rate ----------------------------------------------------------------
def _subprocess_env() -> dict:
    db = connections["default"].settings_dict["NAME"]
    env = dict(os.environ)
    env["DATABASE_URL"] = urlparse(settings.DATABASE_URL)._replace(path=f"/{db}").geturl()
    env["LOG_LEVEL"] = "WARNING"
    return env


def steady_latency(rate: int, seconds: float) -> tuple[float, float, int]:
    latency_file = Path(tempfile.mkstemp(prefix="nlc-bench-")[1])
    env = {**_subprocess_env(), "BENCH_LATENCY_FILE": str(latency_file)}
    manage = [sys.executable, str(ROOT / "manage.py")]
    relay = subprocess.Popen([*manage, "relay_outbox", "--context", "leads"], env=env, cwd=ROOT)  # noqa: S603 - ours
    consumer = subprocess.Popen(  # noqa: S603 - our own command
        [*manage, "consume_events", "--context", "analytics"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    time.sleep(3)  # both connected
    interval, sent = 1.0 / rate, 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        with transaction.atomic(using=LEADS):
            publish(TYPE, lead_payload())
        sent += 1
        pause = started + sent * interval - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    deadline = time.monotonic() + 30
    while InboxEntry.objects.using(ANALYTICS).count() < sent and time.monotonic() < deadline:
        time.sleep(0.2)
    for process in (relay, consumer):
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    values = sorted(float(line) for line in latency_file.read_text().split())
    latency_file.unlink()
    p50 = statistics.median(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return p50 * 1000, p99 * 1000, len(values)


# -- 4. one consumer with inbox dedupe ----------------------------------------------------------
def consumer_rate(count: int) -> float:
    # The bus alone: analytics' own handlers (its log and KPIs, scripts/bench analytics) step aside.
    own = [spec for spec in context_handler_specs() if spec.context == "analytics"]
    for spec in own:
        unregister(spec)
    try:
        return _consumer_rate(count)
    finally:
        for spec in own:
            register(spec)


def _consumer_rate(count: int) -> float:
    InboxEntry.objects.using(ANALYTICS).all().delete()
    for _ in range(count // 500):
        with transaction.atomic(using=LEADS):
            for _ in range(500):
                publish(TYPE, lead_payload())
    relay = Relay(contexts=["leads"], batch_size=500)
    relay.drain()
    relay.publisher.close()
    stop = threading.Event()
    with broker_connection() as connection:
        loop = ConsumerLoop({"analytics": [TYPE]})
        started = time.perf_counter()
        handled = loop.run(stop, connection=connection, until_idle=0.5)
        elapsed = time.perf_counter() - started - 0.5  # the idle wait that ends the run
    assert handled == count, handled
    applied = InboxEntry.objects.using(ANALYTICS).count()
    assert applied == count, f"{applied} inbox rows for {count} events"
    return count / elapsed


def main() -> None:
    print(f"scripts/bench events  ({time.strftime('%Y-%m-%d %H:%M:%S')}, {os.cpu_count()} cores)", flush=True)
    test_db, roles = create_test_layout()
    with broker_connection() as connection:
        declare_topology(connection, consumer_topology())
    try:
        one_by_one = raw_confirm_one_by_one(2_000)
        print(f"1a. raw publish, confirm each message        {one_by_one:9.0f} msg/s", flush=True)
        batched = raw_confirm_batches(20_000)
        print(f"1b. raw publish, confirm per batch of 100     {batched:9.0f} msg/s", flush=True)
        commits = raw_single_row_commits(5_000)
        print(f"1c. raw single-row commits on PostgreSQL      {commits:9.0f} commits/s", flush=True)
        drained = relay_drain(20_000)
        threads = settings.NLC_EVENTS["RELAY_WORKERS"]
        print(f"2.  relay drain of a 20,000-row backlog       {drained:9.0f} events/s  ({threads} relay threads)")
        p50, p99, measured = steady_latency(200, 10.0)
        print(
            f"3.  commit-to-handler-done at 200 events/s    p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   ({measured} events)"
        )
        consumed = consumer_rate(10_000)
        print(f"4.  one consumer process, inbox dedupe        {consumed:9.0f} events/s", flush=True)
        print()
        print(f"ratio relay / batched-confirm ceiling   {drained / batched:5.2f}  (aim >= 0.50)")
        print(f"ratio consumer / single-row commits     {consumed / commits:5.2f}  (aim >= 0.50)")
        print(f"p99 latency                             {p99:5.1f} ms (aim <= 100 ms)")
    finally:
        with broker_connection() as connection:
            delete_topology(connection, list(settings.NLC_CONTEXTS))
        drop_test_layout(test_db, roles)


if __name__ == "__main__":
    main()
