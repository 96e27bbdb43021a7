"""scripts/bench leads: public intake per second and a 200-entry timeline page, against the baselines.

One gunicorn (benchmarks.http.BenchServer: scratch database, the project plus the baselines) serves,
in the same run:
1. the baselines as fast as they answer: plain Django "hello", DRF one-row read and one-row insert;
2. the public landing-form intake (``POST /leads/intake/<key>``) as fast as it answers, each request
   a new person (a new lead: the row, its day counter, its timeline entry and leads.lead.created in
   one transaction);
3. one person's timeline, a page of 200 entries (``GET /leads/people/<clientId>/timeline``), with
   the coach's bearer token;
and prints every figure and the ratios intake / one-row insert (aim >= 0.6) and timeline page /
one-row read (aim >= 0.3). Load comes from a second process on loopback; the relay and the worker do
not run (intake's work ends at the commit).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

from benchmarks.http import BenchServer, LoadResult, Request, baselines, run_load

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
DURATION = float(os.environ.get("BENCH_DURATION", "8"))
TIMELINE_ENTRIES = 200
AIM_INTAKE_RATIO, AIM_TIMELINE_RATIO = 0.6, 0.3
COACH_ID = uuid.UUID("be7c0000-0000-4000-8000-00000000000c")


def seed() -> tuple[str, str]:
    """A coach's landing form, and a person with TIMELINE_ENTRIES touches; returns the form's key
    and the person's clientId."""
    from contexts.leads import services
    from contexts.leads.data import Contact
    from contexts.leads.models import TimelineEntry

    form = services.lead_form_create(coach_id=COACH_ID, name="Bench landing")
    lead = services.lead_create(coach_id=COACH_ID, contact=Contact(email="timeline@bench.example", name="Tim Line"))
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            coach_id=COACH_ID,
            client_id=lead.client_id,
            kind="note_added",
            occurred_at=start + dt.timedelta(minutes=n),
            summary=f"Touch {n}",
            data={"n": n},
        )
        for n in range(TIMELINE_ENTRIES - 1)  # and the lead's own "added" entry
    )
    return form.key, str(lead.client_id)


def intake_requests(key: str, prefix: str, count: int) -> list[Request]:
    headers = {"Content-Type": "application/json"}
    return [
        Request(
            "POST",
            f"/leads/intake/{key}",
            headers,
            json.dumps(
                {
                    "email": f"{prefix}{n}@bench.example",
                    "name": "Bench Person",
                    "message": "I would like to know more.",
                    "utmSource": "bench",
                }
            ).encode(),
        )
        for n in range(count)
    ]


def main() -> None:
    from nlc.api.testing import access_token_for

    env = {
        # The throttles still run on every request, with rates this load cannot reach.
        "THROTTLE_RATE_LEAD_INTAKE": "1000000/second",
        "THROTTLE_RATE_USER": "1000000/second",
    }
    with BenchServer(env=env) as server:
        key, client_id = seed()
        token = access_token_for(role="coach", user_id=COACH_ID, lifetime_seconds=3600)
        timeline = [
            Request(
                "GET",
                f"/leads/people/{client_id}/timeline?pageSize={TIMELINE_ENTRIES}",
                {"Authorization": f"Bearer {token}"},
            )
        ]
        warm = run_load(server.url, intake_requests(key, "warm", 400), concurrency=4, duration=1.0)
        assert warm.statuses.get("202"), f"intake warm-up failed: {warm.statuses}"
        warm = run_load(server.url, timeline, concurrency=4, duration=1.0)
        assert warm.statuses.get("200"), f"timeline warm-up failed: {warm.statuses}"
        base = baselines(server, concurrency=CONCURRENCY, duration=DURATION)
        intake = run_load(
            server.url, intake_requests(key, "max", int(DURATION * 1500)), concurrency=CONCURRENCY, duration=DURATION
        )
        page = run_load(server.url, timeline, concurrency=CONCURRENCY, duration=DURATION)
    _report(base, intake, page)


def _report(base: dict[str, LoadResult], intake: LoadResult, page: LoadResult) -> None:
    workers = os.environ.get("BENCH_WEB_WORKERS", "2")
    print(f"gunicorn: {workers} sync workers; load: concurrency {CONCURRENCY}, {DURATION:.0f} s per phase")
    print(base["hello"].line("baseline hello (plain Django)"))
    print(base["read"].line("baseline read one row (DRF)"))
    print(base["insert"].line("baseline insert one row (DRF, one transaction)"))
    print(intake.line("lead intake, a new person each (max rate)"))
    print(page.line(f"timeline page of {TIMELINE_ENTRIES} entries"))
    intake_ratio = intake.rps / base["insert"].rps if base["insert"].rps else 0.0
    timeline_ratio = page.rps / base["read"].rps if base["read"].rps else 0.0
    print(f"ratio intake / one-row insert:      {intake_ratio:.2f}  (aim >= {AIM_INTAKE_RATIO})")
    print(f"ratio timeline page / one-row read: {timeline_ratio:.2f}  (aim >= {AIM_TIMELINE_RATIO})")
    missed = [
        name
        for name, ok in (
            ("intake ratio", intake_ratio >= AIM_INTAKE_RATIO),
            ("timeline ratio", timeline_ratio >= AIM_TIMELINE_RATIO),
        )
        if not ok
    ]
    print("aims met" if not missed else f"aims missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
