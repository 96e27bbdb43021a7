"""scripts/bench courses: the learner's outline read and progress write, against the baselines.

One gunicorn (benchmarks.http.BenchServer: scratch database, the project plus the baselines) serves,
in the same run:
1. the baselines as fast as they answer: plain Django "hello", DRF one-row read and one-row insert;
2. the learner's outline (``GET /courses/learn/outline``) as fast as it answers, over many learners
   of one published course of 3 modules and 24 lessons, each learner with progress in some lessons;
3. progress writes (``POST /courses/learn/lessons/<id>/progress``: a video heartbeat, the resume
   position and the stretch watched since the last one) as fast as they answer;
4. progress writes and the one-row insert at a steady 100 requests/s (p99);
and prints every figure and the ratios outline / one-row read and progress write / one-row insert.
Load comes from a second process on loopback; each request carries a learner's access link.
"""

from __future__ import annotations

import json
import os

from benchmarks.http import BenchServer, LoadResult, Request, baselines, run_load

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
DURATION = float(os.environ.get("BENCH_DURATION", "8"))
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "400"))
STEADY_RATE = 100.0
STEADY_DURATION = float(os.environ.get("BENCH_STEADY_DURATION", "10"))
AIM_OUTLINE_RATIO, AIM_PROGRESS_RATIO, AIM_P99_MS = 0.5, 0.5, 50.0


def seed() -> tuple[list[str], str]:
    """A published course and LEARNERS enrolled learners; returns their tokens and a video lesson id."""
    from django.utils import timezone

    from contexts.courses import services
    from contexts.courses.access import access_token_issue
    from contexts.courses.models import LessonKind, MediaState

    course = services.course_create(coach_id=_coach_id(), title="Bench: habits that stick")
    lessons = []
    for week in range(3):
        module = services.module_create(course=course, title=f"Week {week + 1}")
        for n in range(8):
            kind = LessonKind.VIDEO if n % 2 == 0 else LessonKind.TEXT
            lessons.append(
                services.lesson_create(
                    module=module,
                    title=f"Lesson {week + 1}.{n + 1}",
                    kind=kind,
                    media_asset_id=_asset_id(week, n) if kind == LessonKind.VIDEO else None,
                    duration_seconds=600 if kind == LessonKind.VIDEO else None,
                    body="Read this." if kind == LessonKind.TEXT else "",
                )
            )
    for lesson in lessons:
        if lesson.media_asset_id:
            services.media_asset_state_apply(
                asset_id=lesson.media_asset_id,
                coach_id=course.coach_id,
                kind="video",
                state=MediaState.READY,
                changed_at=timezone.now(),
                duration_seconds=600,
            )
    services.course_publish(course=course)
    tokens = []
    for n in range(LEARNERS):
        enrollment = services.enrollment_grant(course=course, email=f"learner{n}@bench.example").enrollment
        tokens.append(access_token_issue(enrollment_id=enrollment.id, access_version=enrollment.access_version))
    return tokens, str(lessons[0].id)


def _coach_id():
    import uuid

    return uuid.UUID("be7c0000-0000-4000-8000-000000000001")


def _asset_id(week: int, n: int):
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://bench.example/asset/{week}/{n}")


def outline_requests(tokens: list[str]) -> list[Request]:
    return [Request("GET", "/courses/learn/outline", {"Authorization": f"AccessLink {token}"}) for token in tokens]


def progress_requests(tokens: list[str], lesson_id: str) -> list[Request]:
    body = json.dumps({"positionSeconds": 130, "watchedFromSeconds": 120}).encode()
    headers = {"Content-Type": "application/json"}
    return [
        Request(
            "POST",
            f"/courses/learn/lessons/{lesson_id}/progress",
            {**headers, "Authorization": f"AccessLink {token}"},
            body,
        )
        for token in tokens
    ]


def main() -> None:
    # The per-principal throttle still runs on every request, with a rate this load cannot reach.
    with BenchServer(env={"THROTTLE_RATE_USER": "1000000/second"}) as server:
        tokens, lesson_id = seed()
        outlines, heartbeats = outline_requests(tokens), progress_requests(tokens, lesson_id)
        # Warm-up: every worker caches the structure; every learner has its progress row.
        for requests in (outlines, heartbeats):
            warm = run_load(server.url, requests, concurrency=4, duration=2.0)
            assert warm.statuses.get("200"), f"warm-up failed: {warm.statuses}"
        base = baselines(server, concurrency=CONCURRENCY, duration=DURATION)
        outline = run_load(server.url, outlines, concurrency=CONCURRENCY, duration=DURATION)
        progress = run_load(server.url, heartbeats, concurrency=CONCURRENCY, duration=DURATION)
        steady = run_load(server.url, heartbeats, concurrency=CONCURRENCY, duration=STEADY_DURATION, rate=STEADY_RATE)
        insert_body = json.dumps({"name": "baseline", "payload": {"a": 1}}).encode()
        insert_steady = run_load(
            server.url,
            [Request("POST", "/bench/insert", {"Content-Type": "application/json"}, insert_body)],
            concurrency=CONCURRENCY,
            duration=STEADY_DURATION,
            rate=STEADY_RATE,
        )
    _report(base, outline, progress, steady, insert_steady)


def _report(
    base: dict[str, LoadResult], outline: LoadResult, progress: LoadResult, steady: LoadResult, insert: LoadResult
) -> None:
    workers = os.environ.get("BENCH_WEB_WORKERS", "2")
    print(
        f"gunicorn: {workers} sync workers; load: concurrency {CONCURRENCY}, {DURATION:.0f} s per phase; "
        f"{LEARNERS} learners of one course of 24 lessons"
    )
    print(base["hello"].line("baseline hello (plain Django)"))
    print(base["read"].line("baseline read one row (DRF)"))
    print(base["insert"].line("baseline insert one row (DRF, one transaction)"))
    print(outline.line("learner outline (GET /courses/learn/outline)"))
    print(progress.line("progress write (video heartbeat)"))
    print(insert.line(f"baseline insert at {STEADY_RATE:.0f} req/s"))
    print(steady.line(f"progress write at {STEADY_RATE:.0f} req/s"))
    outline_ratio = outline.rps / base["read"].rps if base["read"].rps else 0.0
    progress_ratio = progress.rps / base["insert"].rps if base["insert"].rps else 0.0
    print(f"ratio outline / one-row read:         {outline_ratio:.2f}  (aim >= {AIM_OUTLINE_RATIO})")
    print(f"ratio progress write / one-row insert: {progress_ratio:.2f}  (aim >= {AIM_PROGRESS_RATIO})")
    print(f"p99 progress write at {STEADY_RATE:.0f} req/s: {steady.p99_ms:.1f} ms  (aim < {AIM_P99_MS:.0f} ms)")
    missed = [
        name
        for name, ok in (
            ("outline ratio", outline_ratio >= AIM_OUTLINE_RATIO),
            ("progress ratio", progress_ratio >= AIM_PROGRESS_RATIO),
            ("p99", steady.p99_ms < AIM_P99_MS),
        )
        if not ok
    ]
    print("aims met" if not missed else f"aims missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
