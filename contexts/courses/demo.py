"""Development demo data: a published course of the demo coach with a video lesson, and an enrolled
learner whose access link is printed at every start (scripts/dev runs seed_demo).

Courses never reads auth's tables: it knows the demo coach from its own copy of coaches, fed by
auth.user.created (auth's demo data runs first, and the inline bus delivers its events at once). A
database made before courses kept that copy gets it by replaying auth.user.created to courses.
"""

from __future__ import annotations

import os
import uuid

from django.utils import timezone

from contexts.courses import services
from contexts.courses.access import access_token_issue, access_url_for
from contexts.courses.models import Coach, Course, LessonKind, MediaState
from nlc.demo import events_replay_to

DEMO_COACH_EMAIL = "coach@demo.nextlevelcoach.test"
DEMO_LEARNER = ("learner@demo.nextlevelcoach.test", "Lee Learner")
DEMO_SLUG = "start-strong"
# The ids of media's demo assets (contexts/media/demo.py derives the same ones), stable across runs.
DEMO_VIDEO_ASSET_ID = uuid.uuid5(uuid.NAMESPACE_URL, "https://nextlevelcoach.ai/demo/media/welcome-video")
DEMO_WORKBOOK_ASSET_ID = uuid.uuid5(uuid.NAMESPACE_URL, "https://nextlevelcoach.ai/demo/media/workbook")


def _demo_coach() -> Coach | None:
    coach = Coach.objects.filter(email=DEMO_COACH_EMAIL).first()
    if coach is None and events_replay_to(context="courses", event_type="auth.user.created"):
        coach = Coach.objects.filter(email=DEMO_COACH_EMAIL).first()
    return coach


def _course_create(coach: Coach) -> Course:
    course = services.course_create(
        coach_id=coach.id,
        title="Start Strong: a three-week reset",
        slug=DEMO_SLUG,
        description="Small daily habits that stick. One short video and one page of reading a day.",
        sequential=True,
    )
    week_one = services.module_create(course=course, title="Week 1: Foundations")
    services.lesson_create(
        module=week_one,
        title="Welcome: how this course works",
        kind=LessonKind.VIDEO,
        media_asset_id=DEMO_VIDEO_ASSET_ID,
        duration_seconds=300,
        is_free_preview=True,
    )
    services.lesson_create(
        module=week_one,
        title="Your first habit",
        kind=LessonKind.TEXT,
        body="Pick one habit that takes two minutes. Do it right after something you already do daily.",
    )
    week_two = services.module_create(course=course, title="Week 2: Momentum", opens_after_days=7)
    services.lesson_create(
        module=week_two,
        title="Momentum workbook",
        kind=LessonKind.DOWNLOAD,
        media_asset_id=DEMO_WORKBOOK_ASSET_ID,
        file_name="momentum-workbook.pdf",
    )
    services.lesson_create(
        module=week_two, title="Bonus: a coach's morning", kind=LessonKind.TEXT, is_required=False, body="Optional."
    )
    # What media.asset.ready says of them (the demos write their rows directly and publish nothing).
    now = timezone.now()
    # The video is media's demo clip (its provider: local, so the lesson signs a stream link) and the
    # workbook its demo document (its provider: storage, so the download lesson signs links).
    assets = ((DEMO_VIDEO_ASSET_ID, "video", 6, "local"), (DEMO_WORKBOOK_ASSET_ID, "document", None, "storage"))
    for asset_id, kind, duration, provider in assets:
        services.media_asset_state_apply(
            asset_id=asset_id,
            coach_id=coach.id,
            kind=kind,
            state=MediaState.READY,
            changed_at=now,
            duration_seconds=duration,
            provider=provider,
        )
    return services.course_publish(course=course)


def seed(*, stdout) -> None:
    coach = _demo_coach()
    if coach is None:
        stdout.write(f"  courses: no copy of the demo coach {DEMO_COACH_EMAIL}; no demo course")
        return
    course = Course.objects.filter(coach_id=coach.id, slug=DEMO_SLUG).first()
    if course is None:
        course = _course_create(coach)
        stdout.write(f"  created demo course: {course.title}")
    else:
        stdout.write(f"  demo course exists: {course.title}")
    email, name = DEMO_LEARNER
    enrollment = services.enrollment_grant(course=course, email=email, name=name).enrollment
    token = access_token_issue(enrollment_id=enrollment.id, access_version=enrollment.access_version)
    stdout.write(f"  demo learner {email} access link:")
    stdout.write(f"    {access_url_for(enrollment_id=enrollment.id, access_version=enrollment.access_version)}")
    base = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
    stdout.write(f"    (API: curl -H 'Authorization: AccessLink {token}' {base}/courses/learn/outline)")
