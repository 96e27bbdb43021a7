"""What the courses context publishes, value for value, checked against docs/contracts/events/courses/."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from jsonschema import Draft202012Validator

from contexts.courses.access import access_token_issue
from contexts.courses.models import Enrollment, LessonKind
from contexts.courses.tests.conftest import build_course, grant, learner_client_for, payment_completed_payload
from nlc.clients import client_id_for
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID
from nlc.time import iso_z

pytestmark = pytest.mark.django_db(databases=["courses"])
T0 = datetime(2026, 5, 4, 8, 30, tzinfo=UTC)


def _contract(name: str) -> Draft202012Validator:
    schema = json.loads((Path(settings.NLC_CONTRACTS_DIR) / "courses" / f"{name}.schema.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _only(event_type: str) -> dict:
    (event,) = published_events(context="courses", event_type=event_type)
    assert (event["type"], event["producer"], event["schemaVersion"]) == (event_type, "courses", 1)
    name = event_type.removeprefix("courses.")
    assert list(_contract(name).iter_errors(event["payload"])) == []
    return event["payload"]


def test_course_created(principal_client):
    with time_machine.travel(T0, tick=False):
        coach_client = principal_client(role="coach", user_id=COACH_ID)
        course_id = coach_client.post("/courses/courses", {"title": "Breathe"}).json()["id"]
    assert _only("courses.course.created") == {
        "courseId": course_id,
        "coachId": str(COACH_ID),
        "title": "Breathe",
        "status": "draft",
        "createdAt": iso_z(T0),
    }


def test_enrollment_created_from_a_purchase_carries_the_access_link(settings, envelope, deliver_event):
    settings.LEARNER_ACCESS_URL_TEMPLATE = "https://learn.example.test/a/{token}"
    course = build_course(title="Breathe").course
    payment = payment_completed_payload(course_id=course.id, email="bea@example.com", name="Bea Buyer")
    with time_machine.travel(T0, tick=False):
        deliver_event("courses", envelope("billing.payment.completed", payment))
    enrollment = Enrollment.objects.get()
    token = access_token_issue(enrollment_id=enrollment.id, access_version=1)
    assert _only("courses.enrollment.created") == {
        "enrollmentId": str(enrollment.id),
        "courseId": str(course.id),
        "clientId": str(client_id_for(coach_id=COACH_ID, email="bea@example.com")),
        "coachId": str(COACH_ID),
        "courseTitle": "Breathe",
        "clientEmail": "bea@example.com",
        "clientName": "Bea Buyer",
        "source": "purchase",
        "accessUrl": f"https://learn.example.test/a/{token}",
        "transactionId": payment["transactionId"],
        "enrolledAt": iso_z(T0),
    }


def test_enrollment_created_by_hand(principal_client):
    course = build_course(title="Breathe").course
    with time_machine.travel(T0, tick=False):
        coach_client = principal_client(role="coach", user_id=COACH_ID)
        body = coach_client.post(f"/courses/courses/{course.id}/enrollments", {"email": "lee@example.com"}).json()
    payload = _only("courses.enrollment.created")
    assert (payload["source"], payload["transactionId"], payload["clientName"], payload["accessUrl"]) == (
        "manual",
        None,
        "",
        body["accessUrl"],
    )


def test_progress_updated_and_enrollment_completed():
    with time_machine.travel(T0, tick=False) as traveller:
        built = build_course(
            title="Breathe",
            modules=[("M", {}, [("Video", LessonKind.VIDEO, {"duration_seconds": 20}), ("Text", LessonKind.TEXT, {})])],
        )
        enrollment = grant(built.course, email="lee@example.com", name="Lee Learner")
        learner = learner_client_for(enrollment)
        enrolled_at = enrollment.enrolled_at
        video = built.lessons["Video"]
        # heartbeats that do not complete the video publish nothing
        traveller.shift(timedelta(seconds=10))
        learner.post(f"/courses/learn/lessons/{video.id}/progress", {"positionSeconds": 10, "watchedFromSeconds": 0})
        assert published_events(context="courses", event_type="courses.progress.updated") == []
        traveller.shift(timedelta(seconds=8))
        learner.post(f"/courses/learn/lessons/{video.id}/progress", {"positionSeconds": 18, "watchedFromSeconds": 10})
        completed_video_at = T0 + timedelta(seconds=18)
        traveller.shift(timedelta(seconds=42))
        learner.post(f"/courses/learn/lessons/{built.lessons['Text'].id}/progress", {"completed": True})
        finished_at = T0 + timedelta(seconds=60)
    common = {
        "enrollmentId": str(enrollment.id),
        "courseId": str(built.course.id),
        "clientId": str(enrollment.client_id),
        "coachId": str(COACH_ID),
        "totalLessons": 2,
        "assetId": None,
        "playStarted": False,
        "secondsWatched": 0,
        "lessonCompleted": True,
    }
    updates = published_events(context="courses", event_type="courses.progress.updated")
    assert [event["schemaVersion"] for event in updates] == [2, 2]
    assert [event["payload"] for event in updates] == [
        {
            **common,
            "lessonId": str(video.id),
            "completedLessons": 1,
            "progressPercent": 50,
            "updatedAt": iso_z(completed_video_at),
        },
        {
            **common,
            "lessonId": str(built.lessons["Text"].id),
            "completedLessons": 2,
            "progressPercent": 100,
            "updatedAt": iso_z(finished_at),
        },
    ]
    for event in updates:
        assert list(_contract("progress.updated").iter_errors(event["payload"])) == []
    assert _only("courses.enrollment.completed") == {
        "enrollmentId": str(enrollment.id),
        "courseId": str(built.course.id),
        "clientId": str(enrollment.client_id),
        "coachId": str(COACH_ID),
        "courseTitle": "Breathe",
        "clientEmail": "lee@example.com",
        "clientName": "Lee Learner",
        "enrolledAt": iso_z(enrolled_at),
        "completedAt": iso_z(finished_at),
    }


def test_a_failed_publish_leaves_no_enrollment(monkeypatch):
    from contexts.courses import events, services

    course = build_course().course

    def broken(**kwargs):
        raise RuntimeError("contract violated")

    monkeypatch.setattr(events, "enrollment_created_publish", broken)
    with pytest.raises(RuntimeError):
        services.enrollment_grant(course=course, email="lee@example.com")
    assert Enrollment.objects.count() == 0
    assert course.stats.enrollments_active == 0
