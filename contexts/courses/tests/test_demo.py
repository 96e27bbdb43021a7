"""The demo data: a published course of the demo coach with a video lesson and an enrolled learner
whose working access link is printed at every start; running it again changes nothing."""

import uuid
from io import StringIO

import pytest
from django.core.management.base import OutputWrapper

from contexts.courses import demo
from contexts.courses.models import Course, Enrollment, LessonKind

pytestmark = pytest.mark.django_db(databases="__all__")


def _seed() -> str:
    out = StringIO()
    demo.seed(stdout=OutputWrapper(out))  # as seed_demo passes it: each write is a line
    return out.getvalue()


def test_the_demo_course_and_learner_link(api_client, envelope, deliver_event):
    # given courses has heard of the demo coach (auth.user.created, as auth's demo data publishes it)
    coach_id = uuid.uuid4()
    deliver_event(
        "courses",
        envelope(
            "auth.user.created",
            {
                "userId": str(coach_id),
                "email": demo.DEMO_COACH_EMAIL,
                "firstName": "Cory",
                "lastName": "",
                "role": "coach",
                "coachId": str(coach_id),
                "createdAt": "2026-11-20T10:00:00Z",
                "signupMethod": "admin",
            },
        ),
    )
    first, second = _seed(), _seed()
    course = Course.objects.get()
    assert (course.coach_id, course.status) == (coach_id, "published")
    assert course.lessons.filter(kind=LessonKind.VIDEO, media_state="ready", duration_seconds=6).exists()
    assert Enrollment.objects.count() == 1
    # the printed link (the same at every start) opens the course
    link_line = next(line for line in first.splitlines() if "https://learn.nextlevelcoach.ai/access/" in line)
    assert link_line in second.splitlines()
    token = link_line.strip().rsplit("/", 1)[1]
    api_client.credentials(HTTP_AUTHORIZATION=f"AccessLink {token}")
    outline = api_client.get("/courses/learn/outline").json()
    assert (outline["course"]["title"], outline["enrollment"]["clientName"]) == (
        "Start Strong: a three-week reset",
        "Lee Learner",
    )
    assert "demo course exists" in second


def test_without_the_demo_coach_it_says_so_and_makes_nothing():
    assert "no copy of the demo coach" in _seed()
    assert Course.objects.count() == 0
