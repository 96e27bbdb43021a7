"""Coaches build courses through the API: modules and lessons in order, reordering, moving, publishing,
archiving; and every change reaches the learners' cached structure at once."""

import uuid

import pytest

from contexts.courses.models import Course, CourseStats, Lesson, LessonKind, LessonStats, Module
from contexts.courses.tests.conftest import build_course, grant, learner_client_for
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["courses"])


def _titles(detail: dict) -> list[tuple[str, list[str]]]:
    return [(module["title"], [lesson["title"] for lesson in module["lessons"]]) for module in detail["modules"]]


def test_a_coach_builds_a_course_whose_modules_and_lessons_keep_their_order(coach_client):
    # when a coach creates a course, two modules and their lessons
    created = coach_client.post("/courses/courses", {"title": "Habits That Stick", "description": "Small steps."})
    assert created.status_code == 201
    course_id = created.json()["id"]
    first = coach_client.post(f"/courses/courses/{course_id}/modules", {"title": "Week 1"}).json()
    second = coach_client.post(f"/courses/courses/{course_id}/modules", {"title": "Week 2", "opensAfterDays": 7}).json()
    for title, kind in (("Welcome", "video"), ("Read me", "text"), ("Workbook", "download")):
        response = coach_client.post(f"/courses/modules/{first['id']}/lessons", {"title": title, "kind": kind})
        assert response.status_code == 201
    coach_client.post(f"/courses/modules/{second['id']}/lessons", {"title": "Practice", "kind": "text"})
    # then the course reads back in creation order, with positions from 0
    detail = coach_client.get(f"/courses/courses/{course_id}").json()
    assert created.json()["slug"] == "habits-that-stick"
    assert (detail["status"], detail["coachId"], detail["lessonCount"]) == ("draft", str(COACH_ID), 4)
    assert _titles(detail) == [("Week 1", ["Welcome", "Read me", "Workbook"]), ("Week 2", ["Practice"])]
    assert [module["position"] for module in detail["modules"]] == [0, 1]
    assert [lesson["position"] for lesson in detail["modules"][0]["lessons"]] == [0, 1, 2]
    welcome = detail["modules"][0]["lessons"][0]
    assert (welcome["kind"], welcome["required"], welcome["completionThresholdPercent"]) == ("video", True, 90)
    assert detail["modules"][1]["opensAfterDays"] == 7
    # and each course has its aggregates, each lesson its funnel row
    assert CourseStats.objects.filter(course_id=course_id).count() == 1
    assert LessonStats.objects.filter(course_id=course_id).count() == 4


def test_reordering_modules_and_lessons_and_moving_a_lesson(coach_client):
    built = build_course(
        modules=[
            ("A", {}, [("a1", LessonKind.TEXT, {}), ("a2", LessonKind.TEXT, {}), ("a3", LessonKind.TEXT, {})]),
            ("B", {}, [("b1", LessonKind.TEXT, {})]),
        ]
    )
    module_a, module_b = built.modules
    lessons = built.lessons
    # when the modules swap, the lessons of A are reversed and a1 moves to B
    response = coach_client.put(
        f"/courses/courses/{built.course.id}/modules/order", {"moduleIds": [str(module_b.id), str(module_a.id)]}
    )
    assert response.status_code == 200
    assert _titles(response.json()) == [("B", ["b1"]), ("A", ["a1", "a2", "a3"])]
    order = [str(lessons[title].id) for title in ("a3", "a2", "a1")]
    assert _titles(coach_client.put(f"/courses/modules/{module_a.id}/lessons/order", {"lessonIds": order}).json()) == [
        ("B", ["b1"]),
        ("A", ["a3", "a2", "a1"]),
    ]
    moved = coach_client.patch(f"/courses/lessons/{lessons['a1'].id}", {"moduleId": str(module_b.id)})
    assert (moved.status_code, moved.json()["moduleId"], moved.json()["position"]) == (200, str(module_b.id), 1)
    # then the order holds, and positions stay unique inside each module
    assert _titles(coach_client.get(f"/courses/courses/{built.course.id}").json()) == [
        ("B", ["b1", "a1"]),
        ("A", ["a3", "a2"]),
    ]
    assert list(Module.objects.filter(course=built.course).order_by("position").values_list("title", "position")) == [
        ("B", 0),
        ("A", 1),
    ]


@pytest.mark.parametrize(
    "ids",
    [lambda m: [m[0]], lambda m: [m[0], m[0]], lambda m: [m[0], str(uuid.uuid4())]],
    ids=["one missing", "one twice", "a stranger"],
)
def test_a_reorder_must_name_every_item_exactly_once(coach_client, ids):
    built = build_course(modules=[("A", {}, []), ("B", {}, [])], publish=False)
    module_ids = [str(module.id) for module in built.modules]
    response = coach_client.put(f"/courses/courses/{built.course.id}/modules/order", {"moduleIds": ids(module_ids)})
    assert (response.status_code, response.json()["code"]) == (400, "order_mismatch")
    assert sorted(response.json()["details"]["expected"]) == sorted(module_ids)
    assert list(Module.objects.filter(course=built.course).order_by("position").values_list("title", flat=True)) == [
        "A",
        "B",
    ]


def test_slugs_are_unique_per_coach_and_derived_from_the_title(coach_client, other_coach_client):
    assert coach_client.post("/courses/courses", {"title": "Yoga", "slug": "yoga"}).status_code == 201
    taken = coach_client.post("/courses/courses", {"title": "Yoga again", "slug": "yoga"})
    assert (taken.status_code, taken.json()["fieldErrors"]) == (
        400,
        {"slug": ["You already have a course with this slug."]},
    )
    assert coach_client.post("/courses/courses", {"title": "Yoga"}).json()["slug"] == "yoga-2"
    # another coach may use the same slug
    assert other_coach_client.post("/courses/courses", {"title": "Yoga", "slug": "yoga"}).status_code == 201
    assert Course.objects.filter(slug="yoga").count() == 2


def test_publish_needs_a_lesson_and_archive_keeps_learners_in(coach_client):
    empty = build_course(modules=[], publish=False).course
    refused = coach_client.post(f"/courses/courses/{empty.id}/publish")
    assert (refused.status_code, refused.json()["code"]) == (409, "course_empty")
    built = build_course(publish=False)
    published = coach_client.post(f"/courses/courses/{built.course.id}/publish").json()
    assert (published["status"], published["publishedAt"] is not None) == ("published", True)
    enrollment = grant(built.course)
    archived = coach_client.post(f"/courses/courses/{built.course.id}/archive").json()
    assert archived["status"] == "archived"
    # the enrolled learner keeps access; nobody new is enrolled by hand
    assert learner_client_for(enrollment).get("/courses/learn/outline").status_code == 200
    refused = coach_client.post(f"/courses/courses/{built.course.id}/enrollments", {"email": "new@example.com"})
    assert (refused.status_code, refused.json()["code"]) == (409, "course_archived")
    # publishing again brings it back
    assert coach_client.post(f"/courses/courses/{built.course.id}/publish").json()["status"] == "published"


def test_a_course_with_enrollments_cannot_be_deleted(coach_client):
    built = build_course()
    grant(built.course)
    response = coach_client.delete(f"/courses/courses/{built.course.id}")
    assert (response.status_code, response.json()["code"]) == (409, "course_has_enrollments")
    assert Course.objects.filter(pk=built.course.pk).exists()
    draft = build_course(title="Draft", publish=False)
    assert coach_client.delete(f"/courses/courses/{draft.course.id}").status_code == 204
    assert not Course.objects.filter(pk=draft.course.pk).exists()


def test_drip_is_a_date_or_days_not_both(coach_client):
    built = build_course(publish=False)
    response = coach_client.post(
        f"/courses/courses/{built.course.id}/modules",
        {"title": "Later", "opensAt": "2027-01-01T00:00:00Z", "opensAfterDays": 3},
    )
    assert response.status_code == 400
    assert set(response.json()["fieldErrors"]) == {"opensAt", "opensAfterDays"}
    assert Module.objects.filter(course=built.course).count() == 1


def test_a_text_lesson_has_no_media_and_thresholds_are_percentages(coach_client):
    module = build_course(publish=False).modules[0]
    text = coach_client.post(
        f"/courses/modules/{module.id}/lessons", {"title": "T", "kind": "text", "mediaAssetId": str(uuid.uuid4())}
    )
    assert (text.status_code, list(text.json()["fieldErrors"])) == (400, ["mediaAssetId"])
    threshold = coach_client.post(
        f"/courses/modules/{module.id}/lessons", {"title": "V", "kind": "video", "completionThresholdPercent": 0}
    )
    assert (threshold.status_code, list(threshold.json()["fieldErrors"])) == (400, ["completionThresholdPercent"])
    assert Lesson.objects.filter(module=module).count() == 1


def test_a_structure_change_reaches_the_learner_at_once(coach_client):
    # given a learner who has read the outline (so it is cached)
    built = build_course(modules=[("Week 1", {}, [("Intro", LessonKind.TEXT, {})])])
    enrollment = grant(built.course)
    learner = learner_client_for(enrollment)
    assert [m["title"] for m in learner.get("/courses/learn/outline").json()["modules"]] == ["Week 1"]
    # when the coach renames the lesson and adds a module
    coach_client.patch(f"/courses/lessons/{built.lessons['Intro'].id}", {"title": "Start here"})
    coach_client.post(f"/courses/courses/{built.course.id}/modules", {"title": "Week 2"})
    # then the learner sees both changes on the next read
    outline = learner.get("/courses/learn/outline").json()
    assert [(m["title"], [lesson["title"] for lesson in m["lessons"]]) for m in outline["modules"]] == [
        ("Week 1", ["Start here"]),
        ("Week 2", []),
    ]


def test_an_admin_creates_a_course_for_a_known_coach_only(admin_client, db):
    from contexts.courses.models import Coach

    unknown = admin_client.post("/courses/courses", {"title": "X", "coachId": str(uuid.uuid4())})
    assert (unknown.status_code, unknown.json()["fieldErrors"]) == (400, {"coachId": ["No coach with this id."]})
    missing = admin_client.post("/courses/courses", {"title": "X"})
    assert missing.json()["fieldErrors"] == {"coachId": ["Name the coach whose course this is."]}
    Coach.objects.create(id=COACH_ID, email="cory@example.com", created_at="2026-01-01T00:00:00Z")
    created = admin_client.post("/courses/courses", {"title": "X", "coachId": str(COACH_ID)})
    assert (created.status_code, created.json()["coachId"]) == (201, str(COACH_ID))
    assert len(published_events(context="courses", event_type="courses.course.created")) == 1
