"""Hot reads cost a fixed number of queries: a page of 100 costs what a page of 1 costs, and a
learner's outline of 100 lessons what one of 1 costs."""

import uuid

import pytest
from django.utils import timezone

from contexts.courses.models import LessonKind, MediaAsset, MediaState
from contexts.courses.tests.conftest import learner_client_for
from contexts.courses.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    LessonProgressFactory,
    ModuleFactory,
    ProgressSnapshotFactory,
)
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def queries(context_queries):
    """``queries(call, expected)``: the call answers 200 with exactly ``expected`` queries on the
    courses alias, and none on any other."""

    def run(call, expected: int) -> None:
        with context_queries("courses", at_most=expected) as courses:
            response = call()
        assert response.status_code == 200, response.content
        assert len(courses) == expected

    return run


def _course_with_lessons(count: int, *, coach_id=COACH_ID):
    course = CourseFactory(coach_id=coach_id)
    module = ModuleFactory(course=course)
    lessons = [LessonFactory(module=module, kind=LessonKind.VIDEO, duration_seconds=60) for _ in range(count)]
    return course, lessons


@pytest.mark.parametrize("size", [1, 100])
def test_the_course_list(coach_client, context_queries, size):
    for _ in range(size):
        _course_with_lessons(2)
    with context_queries("courses", at_most=2):
        response = coach_client.get("/courses/courses", {"pageSize": 100})
    assert response.json()["count"] == size
    assert response.json()["results"][0]["lessonCount"] == 2


@pytest.mark.parametrize("size", [1, 100])
def test_a_courses_enrollments(coach_client, context_queries, size):
    course, _ = _course_with_lessons(1)
    EnrollmentFactory.create_batch(size, course=course)
    with context_queries("courses", at_most=3):
        response = coach_client.get(f"/courses/courses/{course.id}/enrollments", {"pageSize": 100})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [1, 100])
def test_an_enrollments_snapshots(coach_client, context_queries, size):
    enrollment = EnrollmentFactory(course=_course_with_lessons(1)[0])
    ProgressSnapshotFactory.create_batch(size, enrollment=enrollment)
    with context_queries("courses", at_most=3):
        response = coach_client.get(f"/courses/enrollments/{enrollment.id}/snapshots", {"pageSize": 100})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [1, 100])
def test_the_learners_outline_and_the_coachs_views_of_a_course(coach_client, queries, size):
    course, lessons = _course_with_lessons(size)
    enrollment = EnrollmentFactory(course=course)
    for lesson in lessons:
        LessonProgressFactory(enrollment=enrollment, lesson=lesson, position_seconds=12, watched_seconds=12)
    learner = learner_client_for(enrollment)
    calls = {
        "outline": lambda: learner.get("/courses/learn/outline"),
        "detail": lambda: coach_client.get(f"/courses/courses/{course.id}"),
        "enrollment": lambda: coach_client.get(f"/courses/enrollments/{enrollment.id}"),
        "stats": lambda: coach_client.get(f"/courses/courses/{course.id}/stats"),
    }
    # the first read builds the cached structure (two queries, whatever the size)
    queries(calls["outline"], 4)
    # then: the enrollment and its progress for the learner; one or two rows for the coach
    for name, expected in {"outline": 2, "detail": 1, "enrollment": 2, "stats": 2}.items():
        queries(calls[name], expected)
    assert len(learner.get("/courses/learn/outline").json()["modules"][0]["lessons"]) == size


def test_a_progress_report_costs_a_fixed_number_of_queries(queries):
    course, lessons = _course_with_lessons(100)
    enrollment = EnrollmentFactory(course=course)
    learner = learner_client_for(enrollment)
    learner.get("/courses/learn/outline")  # warms the structure
    lesson = lessons[50]
    url = f"/courses/learn/lessons/{lesson.id}/progress"
    # the first report of a lesson creates its row and counts the learner as started (and active)
    queries(lambda: learner.post(url, {"positionSeconds": 10, "watchedFromSeconds": 0}), 10)
    # a heartbeat: the enrollment, then lock and update the lesson's row (with the test's savepoint statements)
    queries(lambda: learner.post(url, {"positionSeconds": 20, "watchedFromSeconds": 10}), 5)


@pytest.mark.parametrize("kind", [LessonKind.TEXT, LessonKind.VIDEO, LessonKind.DOWNLOAD])
def test_a_learners_lesson_read_costs_the_same_with_its_playback(queries, kind):
    """Playback (a signed link, or the player URL) comes with the lesson row: no query of its own."""
    course = CourseFactory(coach_id=COACH_ID)
    module = ModuleFactory(course=course)
    asset = MediaAsset.objects.create(
        id=uuid.uuid4(),
        coach_id=COACH_ID,
        kind="document" if kind == LessonKind.DOWNLOAD else "video",
        state=MediaState.READY,
        changed_at=timezone.now(),
        provider="storage" if kind == LessonKind.DOWNLOAD else "vimeo",
        external_id="76979871",
    )
    media = {} if kind == LessonKind.TEXT else {"media_asset_id": asset.id, "media_state": MediaState.READY}
    lesson = LessonFactory(module=module, kind=kind, **media)
    learner = learner_client_for(EnrollmentFactory(course=course))
    learner.get("/courses/learn/outline")  # warms the structure
    url = f"/courses/learn/lessons/{lesson.id}"
    # the enrollment; the lesson with the learner's progress in it and its media copy
    queries(lambda: learner.get(url), 2)
    assert (learner.get(url).json()["playback"] is None) == (kind == LessonKind.TEXT)
