"""scripts/bench comms: e-mails handed to Mailgun (a fake on loopback, in its own process) per second.

Prints, in one run:
1. the ceiling: the same Mailgun API calls (the official client, the same form) made by a plain loop
   in one thread, as fast as the fake answers;
2. a backlog of 5,000 queued sends (message rows stored, their ``comms.message_send`` tasks on comms'
   task queue in RabbitMQ) drained by one Celery worker (prefork, 4 processes): messages handed to Mailgun per
   second, from its first call to its last;
3. the latency from ``courses.enrollment.created`` committed (courses' outbox) to Mailgun's answer to
   the access-link e-mail, at a steady 20 enrollments/s: relay process, Celery worker (the comms
   consumer in its consumer thread, the send task in its pool), p50 and p99;
and the ratio of 2 to 1. It builds a scratch database and a namespaced broker topology and removes both.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from nlc.tasks import context_task_queue

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["NLC_BUS_NAMESPACE"] = f"bench.{os.getpid()}."
os.environ.update(
    {
        "COMMS_EMAIL_PROVIDER": "mailgun",
        "MAILGUN_API_KEY": "key-bench-only",
        "MAILGUN_DOMAIN": "mg.bench.example",
        "COMMS_SEND_RATE_PER_SECOND": "0",
        "LOG_LEVEL": "WARNING",
    }
)
sys.path.insert(0, str(ROOT))

BACKLOG = int(os.environ.get("BENCH_COMMS_BACKLOG", "5000"))
RAW_CALLS = int(os.environ.get("BENCH_COMMS_RAW_CALLS", "2000"))
RATE, SECONDS = 20, float(os.environ.get("BENCH_COMMS_STEADY_SECONDS", "10"))
WORKER_PROCESSES = int(os.environ.get("BENCH_COMMS_WORKER_PROCESSES", "4"))
AIM_RATIO, AIM_P99_MS = 0.5, 500.0


# -- the fake Mailgun, in a process of its own (so it does not share the GIL with what it measures) --
def _comms_tasks() -> str:
    from django.conf import settings

    return context_task_queue("comms", settings.NLC_BUS_NAMESPACE)


def _serve(ready, stop, results) -> None:
    from contexts.comms.tests.fake_mailgun import FakeMailgun

    class Timed(FakeMailgun):
        def answer(self, path, form, headers):
            answered = super().answer(path, form, headers)
            self.times.append((time.time(), dict(form).get("to", "")))
            return answered

    fake = Timed()
    fake.times = []
    fake.start()
    ready.send(fake.url)
    stop.wait()
    fake.stop()
    results.send(fake.times)


class MailgunProcess:
    def __enter__(self):
        context = multiprocessing.get_context("fork")
        self._ready, ready = context.Pipe()
        self._results, results = context.Pipe()
        self._stop = context.Event()
        self._process = context.Process(target=_serve, args=(ready, self._stop, results), daemon=True)
        self._process.start()
        self.url = self._ready.recv()
        return self

    def times(self) -> list[tuple[float, str]]:
        self._stop.set()
        times = self._results.recv()
        self._process.join(timeout=10)
        return times

    def __exit__(self, *exc):
        if self._process.is_alive():
            self._process.kill()


def setup_django(mailgun_url: str) -> None:
    os.environ["MAILGUN_API_BASE"] = mailgun_url
    import django

    django.setup()


# -- 1. the ceiling ----------------------------------------------------------------------------------
def raw_loop(count: int) -> float:
    from django.conf import settings
    from mailgun.client import Client
    from mailgun.config import RetryPolicy

    from contexts.comms.data import OutgoingEmail
    from contexts.comms.providers.mailgun import form

    client = Client(
        auth=("api", settings.MAILGUN_API_KEY),
        api_url=settings.MAILGUN_API_BASE,
        timeout=(5.0, 15.0),
        retry_policy=RetryPolicy(max_retries=0),
    )
    emails = [
        form(
            OutgoingEmail(
                message_id=str(uuid.uuid4()),
                to_email=f"raw{n}@bench.example",
                to_name="Raw",
                from_email="no-reply@mg.bench.example",
                from_name="NextLevelCoach",
                subject="Your access to Strength 101",
                text_body="Hi Raw,\n\nYou are enrolled in Strength 101.\n" * 3,
                html_body="<p>Hi Raw,</p><p>You are enrolled in <strong>Strength 101</strong>.</p>" * 3,
                tags=("enrollment_access",),
                variables={"nlc_message_id": str(uuid.uuid4())},
            )
        )
        for n in range(count)
    ]
    started = time.perf_counter()
    for data in emails:
        response = client.messages.create(data=data, domain=settings.MAILGUN_DOMAIN)
        assert response.status_code == 200, response.status_code
    elapsed = time.perf_counter() - started
    client.close()
    return count / elapsed


# -- 2. the backlog ----------------------------------------------------------------------------------
def queue_backlog(count: int) -> None:
    from django.conf import settings

    from contexts.comms import services
    from nlc.db.transactions import atomic

    assert settings.BROKER_URL, "the comms bench runs on RabbitMQ (scripts/bench sets BROKER_URL)"
    coach_id = uuid.uuid4()
    for start in range(0, count, 500):
        with atomic("comms"):
            for n in range(start, min(count, start + 500)):
                services.enrollment_access_email_queue(
                    event_id=uuid.uuid4(),
                    coach_id=coach_id,
                    client_id=uuid.uuid4(),
                    client_email=f"backlog{n}@bench.example",
                    client_name="Backlog Client",
                    course_title="Strength 101",
                    access_url=f"https://learn.nextlevelcoach.ai/access/bench{n}",
                )


def _subprocess_env() -> dict:
    from django.conf import settings
    from django.db import connections

    database = connections["default"].settings_dict["NAME"]
    return {
        **os.environ,
        "DATABASE_URL": urlparse(settings.DATABASE_URL)._replace(path=f"/{database}").geturl(),
        "PYTHONPATH": str(ROOT),
    }


def start_worker() -> subprocess.Popen:

    return subprocess.Popen(  # noqa: S603 - our own command
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", _comms_tasks(),
            "-c", str(WORKER_PROCESSES), "--without-mingle", "--without-gossip", "-l", "ERROR",
        ],
        env=_subprocess_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for_empty_task_queue(timeout: float) -> float:
    """Wait until the worker has taken every send task (those of messages a batch already sent find
    nothing to do, but they still pass through); how long that took after the last message went."""

    from nlc.events.broker import broker_connection

    started = time.monotonic()
    with broker_connection() as connection:
        channel = connection.channel()
        while time.monotonic() - started < timeout:
            _, waiting, _ = channel.queue_declare(_comms_tasks(), passive=True)
            if not waiting:
                break
            time.sleep(0.2)
        channel.close()
    return time.monotonic() - started


def wait_for_sent(count: int, timeout: float) -> int:
    from contexts.comms.models import Message, MessageStatus

    deadline = time.monotonic() + timeout
    sent = 0
    while time.monotonic() < deadline:
        sent = Message.objects.filter(status=MessageStatus.SENT).count()
        if sent >= count:
            break
        time.sleep(0.5)
    return sent


# -- 3. latency at a steady rate ----------------------------------------------------------------------
def enroll_steadily(rate: int, seconds: float) -> dict[str, float]:
    """Publish courses.enrollment.created at ``rate``/s; the commit time of each, by the client's e-mail."""
    from nlc.db.transactions import atomic
    from nlc.events import publish

    committed: dict[str, float] = {}
    interval, sent = 1.0 / rate, 0
    coach_id = uuid.uuid4()
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        email = f"steady{sent}@bench.example"
        with atomic("courses"):
            publish(
                "courses.enrollment.created",
                {
                    "enrollmentId": str(uuid.uuid4()),
                    "courseId": str(uuid.uuid4()),
                    "clientId": str(uuid.uuid4()),
                    "coachId": str(coach_id),
                    "courseTitle": "Strength 101",
                    "clientEmail": email,
                    "clientName": "Steady Client",
                    "source": "manual",
                    "accessUrl": f"https://learn.nextlevelcoach.ai/access/steady{sent}",
                    "transactionId": None,
                    "enrolledAt": "2026-12-01T10:00:00Z",
                },
            )
        committed[email] = time.time()
        sent += 1
        pause = started + sent * interval - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    return committed


def _stages(committed: dict[str, float]) -> tuple[list[float], list[float]]:
    """Where the time went, in ms: commit to comms' message row (relay, broker, consumer), and the
    row to Mailgun's answer (enqueue, the worker's task, the call)."""
    from contexts.comms.models import Message

    to_row, to_sent = [], []
    for email, created_at, sent_at in Message.objects.filter(recipient_email__in=list(committed)).values_list(
        "recipient_email", "created_at", "sent_at"
    ):
        to_row.append((created_at.timestamp() - committed[email]) * 1000)
        if sent_at is not None:
            to_sent.append((sent_at - created_at).total_seconds() * 1000)
    return sorted(to_row), sorted(to_sent)


def _percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(len(values) * share))]


def main() -> None:
    print(f"scripts/bench comms  ({time.strftime('%Y-%m-%d %H:%M:%S')}, {os.cpu_count()} cores)", flush=True)
    with MailgunProcess() as mailgun:
        setup_django(mailgun.url)
        from django.conf import settings

        from nlc.events.broker import broker_connection, declare_topology, delete_topology
        from nlc.events.registry import consumer_topology
        from nlc.testing.database import create_test_layout, drop_test_layout

        test_db, roles = create_test_layout()
        with broker_connection() as connection:
            declare_topology(connection, consumer_topology())
        worker = relay = None
        try:
            raw = raw_loop(RAW_CALLS)
            print(
                f"1. plain loop of the same Mailgun calls         {raw:8.0f} calls/s  ({RAW_CALLS} calls)", flush=True
            )
            queue_backlog(BACKLOG)
            worker = start_worker()
            sent = wait_for_sent(BACKLOG, timeout=600)
            tail = wait_for_empty_task_queue(timeout=300)
            relay = subprocess.Popen(  # noqa: S603 - our own command
                [sys.executable, str(ROOT / "manage.py"), "relay_outbox", "--context", "courses"],
                env=_subprocess_env(),
                cwd=ROOT,
            )
            time.sleep(3)  # relay connected
            committed = enroll_steadily(RATE, SECONDS)
            wait_for_sent(BACKLOG + len(committed), timeout=60)
            stages = _stages(committed)
        finally:
            for process in (relay, worker):
                if process is not None:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=30)
            times = mailgun.times()
            with broker_connection() as connection:
                delete_topology(connection, list(settings.NLC_CONTEXTS))
                channel = connection.channel()
                channel.queue_delete(_comms_tasks())
                channel.close()
            drop_test_layout(test_db, roles)

    backlog_times = sorted(moment for moment, to in times if "backlog" in to)
    drained = (len(backlog_times) - 1) / (backlog_times[-1] - backlog_times[0]) if len(backlog_times) > 1 else 0.0
    print(
        f"2. backlog of {BACKLOG} queued sends, one worker   {drained:8.0f} messages/s  "
        f"({len(backlog_times)} handed over, {sent} sent; {WORKER_PROCESSES} worker processes; "
        f"the tasks left over took {tail:.1f} s more)"
    )
    answered = {to: moment for moment, to in times if "steady" in to}
    latencies = sorted(
        (answered[f"Steady Client <{email}>"] - moment) * 1000
        for email, moment in committed.items()
        if f"Steady Client <{email}>" in answered
    )
    p50, p99 = (statistics.median(latencies), _percentile(latencies, 0.99)) if latencies else (0.0, 0.0)
    print(
        f"3. enrollment committed to Mailgun at {RATE}/s     p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
        f"({len(latencies)} of {len(committed)} e-mails)"
    )
    to_row, to_sent = stages
    if to_row and to_sent:
        print(
            f"   of which commit to message row           p50 {statistics.median(to_row):6.1f} ms   "
            f"p99 {_percentile(to_row, 0.99):6.1f} ms"
        )
        print(
            f"   and message row to Mailgun's answer      p50 {statistics.median(to_sent):6.1f} ms   "
            f"p99 {_percentile(to_sent, 0.99):6.1f} ms"
        )
    print()
    ratio = drained / raw if raw else 0.0
    print(f"ratio backlog drain / plain loop   {ratio:5.2f}  (aim >= {AIM_RATIO})")
    print(f"p99 enrollment to Mailgun          {p99:5.1f} ms (aim <= {AIM_P99_MS:.0f} ms)")


if __name__ == "__main__":
    main()
