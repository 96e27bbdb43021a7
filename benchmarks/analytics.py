"""scripts/bench analytics: the analytics consumer's ingest rate and the rebuild's time and memory.

Prints, in one run:
1. the baseline: single-row commits per second on PostgreSQL (autocommit, one JSON row each);
2. events per second the analytics consumer ingests: 20,000 events of a realistic mix (course sales,
   leads, progress, e-mails, status changes of 50 coaches) published to the broker, consumed by one
   ConsumerLoop in batches, each batch logged and folded (counters, activity, client health, the
   changed days noted and announced every ANALYTICS_SNAPSHOT_DELAY_SECONDS) before the loop goes idle;
3. ``manage.py analytics rebuild`` (all coaches) of 100,000, 300,000 and 1,000,000 logged events,
   written by one INSERT ... SELECT generate_series each, every rebuild in a fresh process: its
   wall time and peak RSS (the changed days' snapshots are noted, and announced afterwards);
and the ratios the issue speaks of. It builds a scratch database and a namespaced broker topology
and removes both at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["NLC_BUS_NAMESPACE"] = f"bench.{os.getpid()}."
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from kombu import Exchange, Producer  # noqa: E402

from contexts.analytics.models import LoggedEvent  # noqa: E402
from nlc.db.router import alias_for_context  # noqa: E402
from nlc.events import topology  # noqa: E402
from nlc.events.broker import (  # noqa: E402
    ConsumerLoop,
    broker_connection,
    declare_topology,
    delete_topology,
    json_body,
    message_properties,
)
from nlc.events.registry import consumer_topology, subscribed_types  # noqa: E402
from nlc.testing.database import create_test_layout, drop_test_layout  # noqa: E402
from nlc.testing.events import envelope_for  # noqa: E402

ANALYTICS = alias_for_context("analytics")
COACHES = [uuid.uuid5(uuid.NAMESPACE_URL, f"https://bench.example/coach/{n}") for n in range(50)]
INGEST_EVENTS = 20_000
NOW = dt.datetime.now(dt.UTC)
REBUILD_SIZES = (100_000, 300_000, 1_000_000)
AIM_INGEST, AIM_TIME, AIM_MEMORY = 0.5, 1.2, 1.2


# -- 1. the baseline ----------------------------------------------------------------------------
def raw_single_row_commits(count: int, body: str) -> float:
    db = connections["default"].settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"] or None, host=db["HOST"] or None, port=db["PORT"] or None, autocommit=True
    ) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS public.bench_commit (id bigserial primary key, body jsonb)")
        started = time.perf_counter()
        for _ in range(count):
            connection.execute("INSERT INTO public.bench_commit (body) VALUES (%s)", [body])
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE public.bench_commit")
    return count / elapsed


# -- 2. ingest ----------------------------------------------------------------------------------
def _event(n: int, rng: random.Random) -> dict:
    coach = COACHES[n % len(COACHES)]
    client = uuid.uuid5(coach, f"client/{rng.randrange(200)}")
    # Live events are recent: within the last day and a half (some late, out of order).
    at = (NOW - dt.timedelta(seconds=rng.randrange(36 * 3600))).isoformat()
    kind = n % 10
    if kind < 3:
        return envelope_for(
            "billing.payment.completed",
            {
                "transactionId": str(uuid.uuid4()),
                "coachId": str(coach),
                "planId": None,
                "subscriptionId": None,
                "paymentLinkId": None,
                "courseId": str(uuid.uuid5(coach, f"course/{rng.randrange(5)}")),
                "clientId": str(client),
                "clientEmail": "buyer@bench.example",
                "clientName": "Bench Buyer",
                "kind": "course_purchase",
                "amount": 1000 + rng.randrange(9000),
                "currency": rng.choice(("USD", "EUR")),
                "externalPaymentId": "pi_bench",
                "status": "completed",
                "paidAt": at,
            },
        )
    if kind < 5:
        return envelope_for(
            "leads.lead.created",
            {
                "leadId": str(uuid.uuid4()),
                "coachId": str(coach),
                "clientId": str(client),
                "email": "lead@bench.example",
                "firstName": "Lea",
                "lastName": None,
                "phone": None,
                "source": rng.choice(("landing_page", "calendly", "manual", "import")),
                "landingPageId": None,
                "utmSource": None,
                "utmMedium": None,
                "utmCampaign": None,
                "status": "new",
                "createdAt": at,
            },
            version=2,
        )
    if kind < 7:
        course = uuid.uuid5(coach, f"course/{rng.randrange(5)}")
        done = 1 + rng.randrange(10)
        return envelope_for(
            "courses.progress.updated",
            {
                "enrollmentId": str(uuid.uuid5(client, str(course))),
                "courseId": str(course),
                "clientId": str(client),
                "coachId": str(coach),
                "lessonId": str(uuid.uuid5(course, f"lesson/{done}")),
                "completedLessons": done,
                "totalLessons": 10,
                "progressPercent": done * 10,
                "updatedAt": at,
            },
        )
    if kind < 9:
        opened = kind == 8
        payload = {
            "emailId": str(uuid.uuid4()),
            "coachId": str(coach),
            "clientId": str(client),
            "recipientEmail": "learner@bench.example",
            "templateKey": "welcome",
            "sequenceId": None,
            "providerMessageId": "<bench@example>",
            **({"openedAt": at} if opened else {"subject": "Welcome", "sentAt": at}),
        }
        return envelope_for("comms.email.opened" if opened else "comms.email.sent", payload)
    return envelope_for(
        "leads.status.changed",
        {
            "leadId": str(uuid.uuid4()),
            "coachId": str(coach),
            "clientId": str(client),
            "fromStatus": "new",
            "toStatus": "booked",
            "changedByUserId": None,
            "changedAt": at,
        },
        version=2,
    )


def ingest_rate(count: int) -> tuple[float, int]:
    rng = random.Random(7)  # noqa: S311 - a repeatable mix, no secret
    envelopes = [_event(n, rng) for n in range(count)]
    with broker_connection() as connection:
        channel = connection.channel()
        channel.confirm_select()
        producer = Producer(channel, exchange=Exchange(topology.domain_exchange(), type="topic"))
        for envelope in envelopes:
            properties = message_properties(envelope)
            producer.publish(
                json_body(envelope),
                routing_key=envelope["type"],
                delivery_mode=2,
                content_type="application/json",
                content_encoding="utf-8",
                message_id=properties["message_id"],
                type=properties["type"],
                headers=properties.get("application_headers"),
                declare=[],
                retry=False,
            )
        channel.close()
    stop = threading.Event()
    with broker_connection() as connection:
        loop = ConsumerLoop({"analytics": subscribed_types("analytics")})
        started = time.perf_counter()
        handled = loop.run(stop, connection=connection, until_idle=0.5)
        consumed = time.perf_counter() - 0.5  # the idle wait that ends the run
        while LoggedEvent.objects.filter(folded=False).exists():  # the fold thread's last fold
            time.sleep(0.01)
        elapsed = max(consumed, time.perf_counter()) - started
    assert handled == count, handled
    logged = LoggedEvent.objects.count()
    unfolded = LoggedEvent.objects.filter(folded=False).count()
    assert (logged, unfolded) == (count, 0), (logged, unfolded)
    with connections[ANALYTICS].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM event_outbox")
        snapshots = cursor.fetchone()[0]
    return count / elapsed, snapshots


# -- 3. rebuild ---------------------------------------------------------------------------------
GENERATE = """
INSERT INTO analytics_loggedevent (event_id, event_type, version, occurred_at, moment, coach_id, client_id, payload,
                                   folded, logged_at)
SELECT md5('e' || i)::uuid, t.kind, t.version, t.at, t.at, t.coach, t.client, t.payload, true, now()
FROM generate_series(1::bigint, %(count)s) AS i,
LATERAL (SELECT md5('coach' || (i %% 50))::uuid AS coach,
                md5('client' || (i %% 25000))::uuid AS client,
                md5('enrollment' || (i %% 25000))::uuid AS enrollment,
                md5('course' || (i %% 250))::uuid AS course,
                timestamptz '2025-01-01 00:00:00+00' + ((i * 7919) %% (365 * 86400)) * interval '1 second' AS at) AS k,
LATERAL (SELECT
  CASE WHEN i %% 10 < 3 THEN 'billing.payment.completed' WHEN i %% 10 < 5 THEN 'leads.lead.created'
       WHEN i %% 10 < 7 THEN 'courses.progress.updated' WHEN i %% 10 = 7 THEN 'comms.email.sent'
       WHEN i %% 10 = 8 THEN 'comms.email.opened' ELSE 'leads.status.changed' END AS kind,
  CASE WHEN i %% 10 IN (3, 4, 9) THEN 2 ELSE 1 END AS version,
  k.at, k.coach, k.client,
  CASE
    WHEN i %% 10 < 3 THEN jsonb_build_object('coachId', k.coach, 'clientId', k.client, 'kind', 'course_purchase',
        'amount', 1000 + i %% 9000, 'currency', CASE WHEN i %% 3 = 0 THEN 'EUR' ELSE 'USD' END,
        'courseId', k.course, 'paidAt', k.at)
    WHEN i %% 10 < 5 THEN jsonb_build_object('coachId', k.coach, 'clientId', k.client, 'createdAt', k.at,
        'source', (ARRAY['landing_page', 'calendly', 'manual', 'import'])[1 + i %% 4], 'status', 'new')
    WHEN i %% 10 < 7 THEN jsonb_build_object('coachId', k.coach, 'clientId', k.client, 'enrollmentId', k.enrollment,
        'courseId', k.course, 'lessonId', md5('lesson' || (i %% 250) || '/' || (i / 25000) %% 10)::uuid,
        'completedLessons', 1 + (i / 25000) %% 10, 'totalLessons', 10, 'progressPercent', 10 + 10 * ((i / 25000) %% 10),
        'updatedAt', k.at)
    WHEN i %% 10 = 7 THEN jsonb_build_object('coachId', k.coach, 'clientId', k.client, 'sentAt', k.at)
    WHEN i %% 10 = 8 THEN jsonb_build_object('coachId', k.coach, 'clientId', k.client, 'openedAt', k.at)
    ELSE jsonb_build_object('coachId', k.coach, 'clientId', k.client, 'toStatus', 'booked', 'changedAt', k.at)
  END AS payload) AS t
"""
PROJECTIONS = (
    "analytics_daymetric",
    "analytics_activity",
    "analytics_subscription",
    "analytics_enrollment",
    "analytics_lessoncompletion",
    "analytics_clienthealth",
    "analytics_coachstate",
    "event_outbox",
)


def log_fill(count: int) -> float:
    with connections[ANALYTICS].cursor() as cursor:
        cursor.execute(f"TRUNCATE analytics_loggedevent, {', '.join(PROJECTIONS)}")
        started = time.perf_counter()
        cursor.execute(GENERATE, {"count": count})
        cursor.execute("ANALYZE analytics_loggedevent")
    return time.perf_counter() - started


def _subprocess_env() -> dict:
    db = connections["default"].settings_dict["NAME"]
    env = dict(os.environ)
    env["DATABASE_URL"] = urlparse(settings.DATABASE_URL)._replace(path=f"/{db}").geturl()
    env["LOG_LEVEL"] = "WARNING"
    return env


def rebuild_child() -> None:
    """In a fresh process: rebuild everything, print wall seconds and peak RSS (KiB) as JSON."""
    import resource

    from contexts.analytics import services

    started = time.perf_counter()
    reports = services.log_rebuild()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "peak_kib": peak, "events": sum(r.events for r in reports)}))


def rebuild(count: int) -> dict:
    fill = log_fill(count)
    connections.close_all()
    done = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "benchmarks.analytics", "--rebuild-child"],
        env=_subprocess_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["events"] == count, result
    return {**result, "fill": fill}


def main() -> None:
    print(f"scripts/bench analytics  ({time.strftime('%Y-%m-%d %H:%M:%S')}, {os.cpu_count()} cores)", flush=True)
    test_db, roles = create_test_layout()
    with broker_connection() as connection:
        declare_topology(connection, consumer_topology())
    try:
        commits = raw_single_row_commits(5_000, json.dumps(_event(0, random.Random(1))))  # noqa: S311
        print(f"1. raw single-row commits on PostgreSQL         {commits:9.0f} commits/s", flush=True)
        ingested, snapshots = ingest_rate(INGEST_EVENTS)
        print(
            f"2. analytics consumer, {INGEST_EVENTS:,} mixed events      {ingested:9.0f} events/s"
            f"  (logged, folded, {snapshots:,} day snapshots published)",
            flush=True,
        )
        results = {}
        for count in REBUILD_SIZES:
            results[count] = rebuild(count)
            row = results[count]
            print(
                f"3. analytics rebuild of {count:>9,} events     {row['seconds']:7.1f} s"
                f"  {count / row['seconds']:8.0f} events/s  peak RSS {row['peak_kib'] / 1024:6.1f} MiB"
                f"  (log written in {row['fill']:.1f} s)",
                flush=True,
            )
        small, large = results[REBUILD_SIZES[0]], results[REBUILD_SIZES[-1]]
        per_event = (large["seconds"] / REBUILD_SIZES[-1]) / (small["seconds"] / REBUILD_SIZES[0])
        print()
        print(f"ratio analytics ingest / single-row commit: {ingested / commits:.2f}  (aim >= {AIM_INGEST})")
        print(f"ratio rebuild time per event 1M / 100k: {per_event:.2f}  (aim <= {AIM_TIME})")
        print(f"ratio peak memory 1M / 100k: {large['peak_kib'] / small['peak_kib']:.2f}  (aim <= {AIM_MEMORY})")
    finally:
        with broker_connection() as connection:
            delete_topology(connection, list(settings.NLC_CONTEXTS))
        drop_test_layout(test_db, roles)


if __name__ == "__main__":
    if "--rebuild-child" in sys.argv:
        rebuild_child()
    else:
        main()
