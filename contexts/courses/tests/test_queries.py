"""Hot reads cost a fixed number of queries: a page of 100 costs what a page of 1 costs, and a
learner's outline of 100 lessons what one of 1 costs."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from contexts.courses.models import LessonKind
from contexts.courses.tests.conftest import COACH_ID, learner_api
from contexts.courses.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    LessonProgressFactory,
    ModuleFactory,
    ProgressSnapshotFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def _queries(call) -> tuple[int, int]:
    """(queries on the courses alias, queries anywhere else) of one call, which must answer 200."""
    others = [alias for alias in connections if alias != "courses"]
    with CaptureQueriesContext(connections["courses"]) as courses:
        captured = [CaptureQueriesContext(connections[alias]) for alias in others]
        for context in captured:
            context.__enter__()
        try:
            response = call()
        finally:
            for context in captured:
                context.__exit__(None, None, None)
    assert response.status_code == 200, response.content
    return len(courses), sum(len(context) for context in captured)


def _course_with_lessons(count: int, *, coach_id=COACH_ID):
    course = CourseFactory(coach_id=coach_id)
    module = ModuleFactory(course=course)
    lessons = [LessonFactory(module=module, kind=LessonKind.VIDEO, duration_seconds=60) for _ in range(count)]
    return course, lessons


@pytest.mark.parametrize("size", [1, 100])
def test_the_course_list(coach_api, django_assert_max_num_queries, size):
    for _ in range(size):
        _course_with_lessons(2)
    with django_assert_max_num_queries(2, using="courses"):
        response = coach_api.get("/courses/courses", {"pageSize": 100})
    assert response.json()["count"] == size
    assert response.json()["results"][0]["lessonCount"] == 2


@pytest.mark.parametrize("size", [1, 100])
def test_a_courses_enrollments(coach_api, django_assert_max_num_queries, size):
    course, _ = _course_with_lessons(1)
    EnrollmentFactory.create_batch(size, course=course)
    with django_assert_max_num_queries(3, using="courses"):
        response = coach_api.get(f"/courses/courses/{course.id}/enrollments", {"pageSize": 100})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [1, 100])
def test_an_enrollments_snapshots(coach_api, django_assert_max_num_queries, size):
    enrollment = EnrollmentFactory(course=_course_with_lessons(1)[0])
    ProgressSnapshotFactory.create_batch(size, enrollment=enrollment)
    with django_assert_max_num_queries(3, using="courses"):
        response = coach_api.get(f"/courses/enrollments/{enrollment.id}/snapshots", {"pageSize": 100})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [1, 100])
def test_the_learners_outline_and_the_coachs_views_of_a_course(coach_api, size):
    course, lessons = _course_with_lessons(size)
    enrollment = EnrollmentFactory(course=course)
    for lesson in lessons:
        LessonProgressFactory(enrollment=enrollment, lesson=lesson, position_seconds=12, watched_seconds=12)
    learner = learner_api(enrollment)
    calls = {
        "outline": lambda: learner.get("/courses/learn/outline"),
        "detail": lambda: coach_api.get(f"/courses/courses/{course.id}"),
        "enrollment": lambda: coach_api.get(f"/courses/enrollments/{enrollment.id}"),
        "stats": lambda: coach_api.get(f"/courses/courses/{course.id}/stats"),
    }
    # the first read builds the cached structure (two queries, whatever the size)
    assert _queries(calls["outline"]) == (4, 0)
    # then: the enrollment and its progress for the learner; one or two rows for the coach
    assert {name: _queries(call) for name, call in calls.items()} == {
        "outline": (2, 0),
        "detail": (1, 0),
        "enrollment": (2, 0),
        "stats": (2, 0),
    }
    assert len(learner.get("/courses/learn/outline").json()["modules"][0]["lessons"]) == size


def test_a_progress_report_costs_a_fixed_number_of_queries():
    course, lessons = _course_with_lessons(100)
    enrollment = EnrollmentFactory(course=course)
    learner = learner_api(enrollment)
    learner.get("/courses/learn/outline")  # warms the structure
    lesson = lessons[50]
    url = f"/courses/learn/lessons/{lesson.id}/progress"
    # the first report of a lesson creates its row and counts the learner as started (and active)
    first = _queries(lambda: learner.post(url, {"positionSeconds": 10, "watchedFromSeconds": 0}))
    # a heartbeat: the enrollment, then lock and update the lesson's row (with the test's savepoint statements)
    heartbeat = _queries(lambda: learner.post(url, {"positionSeconds": 20, "watchedFromSeconds": 10}))
    assert (first, heartbeat) == ((10, 0), (5, 0))
