"""Course aggregates kept current by the services (and equal to an exact recount), the drop-off funnel,
and the daily progress snapshot (Celery beat task and management command)."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from contexts.courses import services, tasks
from contexts.courses.models import CourseStats, LessonKind, LessonStats, ProgressSnapshot
from contexts.courses.tests.conftest import build_course, grant, learner_client_for
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["courses"])
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _complete(enrollment, *lessons):
    client = learner_client_for(enrollment)
    for lesson in lessons:
        assert client.post(f"/courses/learn/lessons/{lesson.id}/progress", {"completed": True}).status_code == 200


@pytest.fixture
def classroom(principal_client):
    """Four learners of a three-lesson course: Ann finished, Ben is at 2/3, Cy did 1/3 and was
    revoked, Dee enrolled and did nothing; Eve was active 10 days ago only (and the daily run since
    has taken her out of the active learners)."""
    with time_machine.travel(T0 - timedelta(days=10), tick=False):
        built = build_course(
            modules=[("M", {}, [(name, LessonKind.TEXT, {}) for name in ("One", "Two", "Three")])],
        )
        one, two, three = (built.lessons[name] for name in ("One", "Two", "Three"))
        eve = grant(built.course, email="eve@example.com")
        _complete(eve, one)
    with time_machine.travel(T0 - timedelta(days=2), tick=False):
        services.progress_snapshot_take()  # the daily run: Eve leaves the 7-day window
    with time_machine.travel(T0, tick=False):
        ann, ben, cy, _dee = (grant(built.course, email=f"{name}@example.com") for name in ("ann", "ben", "cy", "dee"))
        _complete(ann, one, two, three)
        _complete(ben, one, two)
        _complete(cy, one)
        services.enrollment_revoke(enrollment=cy)
        coach = principal_client(role="coach", user_id=COACH_ID)
        response = coach.get(f"/courses/courses/{built.course.id}/stats")
    return built, response.json()


def test_the_aggregates_follow_every_change(classroom):
    _, stats = classroom
    assert {key: value for key, value in stats.items() if key not in {"lessons", "updatedAt", "courseId"}} == {
        "enrollments": 5,
        "activeEnrollments": 3,
        "completedEnrollments": 1,
        "revokedEnrollments": 1,
        "activeLearners7d": 2,  # Ann and Ben; Cy is revoked, Dee did nothing, Eve was away
        "completionRatePercent": 25.0,  # 1 of the 4 learners with access
        "averageProgressPercent": 49.8,  # (100 + 66 + 0 + 33) / 4
    }
    # the funnel: One by Eve, Ann, Ben, Cy; Two by Ann and Ben; Three by Ann
    assert [
        (row["title"], row["learnersStarted"], row["learnersCompleted"], row["dropOffPercent"])
        for row in stats["lessons"]
    ] == [("One", 4, 4, 20.0), ("Two", 2, 2, 50.0), ("Three", 1, 1, 50.0)]


def test_an_exact_recount_agrees_with_the_running_aggregates(classroom):
    built, _ = classroom
    course_id = built.course.id
    running = CourseStats.objects.values().get(course_id=course_id)
    lessons = list(LessonStats.objects.filter(course_id=course_id).order_by("lesson_id").values())
    with time_machine.travel(T0, tick=False):
        services.course_stats_refresh(course_id=course_id)
    recounted = CourseStats.objects.values().get(course_id=course_id)
    running.pop("updated_at"), recounted.pop("updated_at")
    assert recounted == running
    assert list(LessonStats.objects.filter(course_id=course_id).order_by("lesson_id").values()) == lessons


def test_learners_leave_the_7_day_window_at_the_daily_recount(classroom):
    built, _ = classroom
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        call_command("courses", "refresh-stats", "--course", str(built.course.id), stdout=StringIO())
    assert CourseStats.objects.get(course_id=built.course.id).active_learners_7d == 0


def test_a_returning_learner_counts_as_active_again(classroom):
    built, _ = classroom
    eve = built.course.enrollments.get(client_email="eve@example.com")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        _complete(eve, built.lessons["Two"])
    assert CourseStats.objects.get(course_id=built.course.id).active_learners_7d == 3


def test_the_daily_snapshot_keeps_one_row_per_active_enrollment_per_day(classroom):
    day = date(2026, 6, 2)
    # the beat task and the command do the same; a second run the same day adds nothing
    assert tasks.progress_snapshot_take.apply(kwargs={"day": day.isoformat()}).get() == 3
    out = StringIO()
    call_command("courses", "snapshot", "--day", day.isoformat(), stdout=out)
    assert out.getvalue() == "added 0 progress snapshot(s); course aggregates recounted\n"
    assert sorted(ProgressSnapshot.objects.filter(day=day).values_list("progress_percent", flat=True)) == [0, 33, 66]
    # the next day adds the next row
    call_command("courses", "snapshot", "--day", "2026-06-03", stdout=StringIO())
    assert ProgressSnapshot.objects.filter(day__gte=day).count() == 6


def test_beat_runs_the_snapshot_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["courses-progress-snapshot"]
    assert entry["task"] == tasks.progress_snapshot_take.name == "courses.progress_snapshot_take"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {15})


def test_the_coach_reads_an_enrollments_snapshots(coach_client, classroom):
    built, _ = classroom
    ben = built.course.enrollments.get(client_email="ben@example.com")
    for day in ("2026-06-02", "2026-06-03"):
        services.progress_snapshot_take(day=date.fromisoformat(day))
    response = coach_client.get(f"/courses/enrollments/{ben.id}/snapshots", {"since": "2026-06-03"}).json()
    assert response["results"] == [
        {"day": "2026-06-03", "progressPercent": 66, "completedLessons": 2, "totalLessons": 3}
    ]
