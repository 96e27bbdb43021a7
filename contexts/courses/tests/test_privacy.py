"""Erasure (leads.client.erased): the erased learner's enrollments with that coach lose who they were
(e-mail, name, clientId) and every access link, and keep the progress the coach's numbers are made
of; another coach's enrollment of the same address, and the coach's other learners, stay as they were."""

import uuid

import pytest

from contexts.courses import services
from contexts.courses.data import ProgressReport
from contexts.courses.models import CourseStats, Enrollment, LessonKind, LessonProgress
from contexts.courses.tests.conftest import build_course, grant, learner_client_for
from nlc.clients import client_id_for
from nlc.testing.principals import COACH_ID, OTHER_COACH_ID

pytestmark = pytest.mark.django_db(databases=["courses"])
LEE = "lee@example.com"


def _erased(envelope, *, coach_id=COACH_ID, email=LEE) -> dict:
    return envelope(
        "leads.client.erased",
        {
            "clientId": str(client_id_for(coach_id=coach_id, email=email)),
            "coachId": str(coach_id),
            "requestedByUserId": None,
            "requestedByRole": "admin",
            "erasedAt": "2026-12-01T12:00:00Z",
        },
    )


def _two_lessons(coach_id=COACH_ID, title="Habits that stick"):
    return build_course(
        coach_id=coach_id,
        title=title,
        modules=[("Week 1", {}, [("One", LessonKind.TEXT, {}), ("Two", LessonKind.TEXT, {})])],
    )


def test_the_erased_learner_is_anonymized_and_loses_access(coach_client, envelope, deliver_event):
    # given Lee is enrolled in two of the coach's courses, half-way through the first; Kim in the first
    first, second = _two_lessons(), _two_lessons(title="Second course")
    lee = grant(first.course)
    services.lesson_progress_record(
        enrollment=lee, lesson_id=first.lessons["One"].id, report=ProgressReport(completed=True)
    )
    lee_second = grant(second.course)
    kim = grant(first.course, email="kim@example.com", name="Kim")
    # and Lee is also the learner of another coach
    elsewhere = grant(_two_lessons(coach_id=OTHER_COACH_ID).course)
    links = [learner_client_for(enrollment) for enrollment in (lee, lee_second)]
    assert [link.get("/courses/learn/outline").status_code for link in links] == [200, 200]
    # when leads announces Lee's erasure for the coach, delivered twice
    event = _erased(envelope)
    assert deliver_event("courses", event) == 1
    assert deliver_event("courses", event) == 0
    # then both enrollments name nobody, and are revoked for erasure
    for before in (lee, lee_second):
        after = Enrollment.objects.get(pk=before.pk)
        assert (after.client_email, after.client_name, after.status, after.revoked_reason) == (
            "",
            "",
            "revoked",
            "erased",
        )
        assert after.client_id not in (before.client_id, client_id_for(coach_id=COACH_ID, email=LEE))
        assert after.access_version == before.access_version + 1
    # every access link of Lee's stops at once
    refused = [link.get("/courses/learn/outline") for link in links]
    assert [(answer.status_code, answer.json()["code"]) for answer in refused] == [
        (403, "enrollment_revoked"),
        (403, "enrollment_revoked"),
    ]
    # the progress made stays for the coach's numbers
    after = Enrollment.objects.get(pk=lee.pk)
    assert (after.counted_lessons_completed, after.counted_lessons_total, after.progress_percent) == (1, 2, 50)
    assert LessonProgress.objects.filter(enrollment=lee, completed_at__isnull=False).count() == 1
    stats = CourseStats.objects.get(course=first.course)
    assert (stats.enrollments_active, stats.enrollments_revoked, stats.progress_percent_sum) == (1, 1, 0)
    # and the coach sees an anonymous, revoked learner
    shown = coach_client.get(f"/courses/enrollments/{lee.id}").json()
    assert (shown["clientEmail"], shown["clientName"], shown["status"], shown["revokedReason"], shown["accessUrl"]) == (
        "",
        "",
        "revoked",
        "erased",
        None,
    )
    # Kim, and the other coach's Lee, are as they were
    for untouched in (kim, elsewhere):
        now = Enrollment.objects.get(pk=untouched.pk)
        assert (now.client_email, now.client_id, now.status, now.access_version) == (
            untouched.client_email,
            untouched.client_id,
            "active",
            untouched.access_version,
        )
    assert learner_client_for(elsewhere).get("/courses/learn/outline").status_code == 200


def test_the_same_person_enrolled_again_later_is_a_new_learner(envelope, deliver_event):
    course = _two_lessons().course
    erased = grant(course)
    deliver_event("courses", _erased(envelope))
    again = grant(course)
    assert again.pk != erased.pk
    assert (again.client_email, again.client_id, again.status, again.progress_percent) == (
        LEE,
        client_id_for(coach_id=COACH_ID, email=LEE),
        "active",
        0,
    )


def test_erasing_someone_courses_never_enrolled_changes_nothing(envelope, deliver_event):
    enrollment = grant(_two_lessons().course)
    deliver_event("courses", _erased(envelope, email=f"{uuid.uuid4().hex}@example.com"))
    assert Enrollment.objects.get(pk=enrollment.pk).client_email == LEE
