"""A coach reaches only its own courses, enrollments and progress, through every endpoint; an admin
reaches all; a learner's link reaches only its own enrollment."""

import pytest

from contexts.courses.models import Course, Enrollment, Lesson, LessonKind, LessonProgress, Module
from contexts.courses.tests.conftest import build_course, grant, learner_client_for
from nlc.events.models import OutboxEvent
from nlc.testing.principals import OTHER_COACH_ID

pytestmark = pytest.mark.django_db(databases=["courses"])


@pytest.fixture
def theirs():
    """Another coach's course, with a module, a lesson and a learner who made progress."""
    built = build_course(
        coach_id=OTHER_COACH_ID,
        title="Theirs",
        modules=[("Their module", {}, [("Their lesson", LessonKind.TEXT, {}), ("Second", LessonKind.TEXT, {})])],
    )
    enrollment = grant(built.course, email="their-learner@example.com")
    learner_client_for(enrollment).post(
        f"/courses/learn/lessons/{built.lessons['Their lesson'].id}/progress", {"completed": True}
    )
    return {
        "course": built.course.id,
        "module": built.modules[0].id,
        "lesson": built.lessons["Their lesson"].id,
        "second": built.lessons["Second"].id,
        "enrollment": enrollment.id,
    }


def _state() -> tuple:
    return (
        list(Course.objects.order_by("pk").values_list("title", "status", "structure_revision")),
        list(Module.objects.order_by("pk").values_list("title", "position")),
        list(Lesson.objects.order_by("pk").values_list("title", "position", "module_id")),
        list(Enrollment.objects.order_by("pk").values_list("client_email", "status", "access_version")),
        list(LessonProgress.objects.order_by("pk").values_list("lesson_id", "completed_at")),
        OutboxEvent.objects.using("courses").count(),
    )


ENDPOINTS = [
    ("get", "/courses/courses/{course}", None),
    ("patch", "/courses/courses/{course}", {"title": "Mine now"}),
    ("delete", "/courses/courses/{course}", None),
    ("post", "/courses/courses/{course}/publish", None),
    ("post", "/courses/courses/{course}/archive", None),
    ("post", "/courses/courses/{course}/modules", {"title": "Injected"}),
    ("put", "/courses/courses/{course}/modules/order", {"moduleIds": ["{module}"]}),
    ("get", "/courses/courses/{course}/enrollments", None),
    ("post", "/courses/courses/{course}/enrollments", {"email": "spy@example.com"}),
    ("get", "/courses/courses/{course}/stats", None),
    ("patch", "/courses/modules/{module}", {"title": "Mine now"}),
    ("delete", "/courses/modules/{module}", None),
    ("post", "/courses/modules/{module}/lessons", {"title": "Injected", "kind": "text"}),
    ("put", "/courses/modules/{module}/lessons/order", {"lessonIds": ["{second}", "{lesson}"]}),
    ("get", "/courses/lessons/{lesson}", None),
    ("patch", "/courses/lessons/{lesson}", {"title": "Mine now"}),
    ("delete", "/courses/lessons/{lesson}", None),
    ("get", "/courses/enrollments/{enrollment}", None),
    ("post", "/courses/enrollments/{enrollment}/revoke", None),
    ("post", "/courses/enrollments/{enrollment}/access-link", None),
    ("get", "/courses/enrollments/{enrollment}/snapshots", None),
]


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS, ids=[f"{m} {u}" for m, u, _ in ENDPOINTS])
def test_a_coach_cannot_reach_another_coachs_data(coach_client, theirs, method, url, body):
    before = _state()
    response = getattr(coach_client, method)(_fill(url, theirs), _fill(body, theirs))
    assert response.status_code == 404, response.content
    assert response.json()["code"].endswith("not_found")
    assert _state() == before


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS, ids=[f"{m} {u}" for m, u, _ in ENDPOINTS])
def test_an_admin_reaches_every_coachs_data(admin_client, theirs, method, url, body):
    response = getattr(admin_client, method)(_fill(url, theirs), _fill(body, theirs))
    assert response.status_code in {200, 201, 204, 409}, response.content


def test_a_coach_lists_only_its_own_courses_even_when_naming_another_coach(coach_client, theirs):
    mine = build_course(title="Mine").course
    assert [row["id"] for row in coach_client.get("/courses/courses").json()["results"]] == [str(mine.id)]
    named = coach_client.get("/courses/courses", {"coachId": str(OTHER_COACH_ID)}).json()
    assert named["count"] == 0


def test_a_coach_cannot_move_a_lesson_into_another_coachs_module(coach_client, theirs):
    mine = build_course(title="Mine")
    before = _state()
    response = coach_client.patch(f"/courses/lessons/{mine.lessons['Intro'].id}", {"moduleId": str(theirs["module"])})
    assert (response.status_code, response.json()["fieldErrors"]) == (400, {"moduleId": ["No such module."]})
    assert _state() == before


def test_a_learner_link_reaches_only_its_own_enrollment(theirs):
    mine = build_course(title="Mine")
    me = learner_client_for(grant(mine.course, email="me@example.com"))
    before = _state()
    # another course's lessons do not exist for this link, to read or to progress
    for lesson in (theirs["lesson"], theirs["second"]):
        read = me.get(f"/courses/learn/lessons/{lesson}")
        wrote = me.post(f"/courses/learn/lessons/{lesson}/progress", {"completed": True})
        assert (read.status_code, read.json()["code"]) == (404, "lesson_not_found")
        assert (wrote.status_code, wrote.json()["code"]) == (404, "lesson_not_found")
    assert me.get("/courses/learn/outline").json()["course"]["title"] == "Mine"
    # and a learner's link opens none of the coach endpoints
    assert me.get(f"/courses/enrollments/{theirs['enrollment']}").status_code == 401
    assert me.get("/courses/courses").status_code == 401
    assert _state() == before
