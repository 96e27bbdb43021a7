"""What the courses context publishes; payloads follow docs/contracts/events/courses/.

Each is called inside the transaction of the change it announces, with the enrollment (or course)
row locked first, so one aggregate's events leave in commit order.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from contexts.courses.access import access_url_for
from contexts.courses.models import Course, Enrollment
from nlc.events import publish

COURSE_CREATED = "courses.course.created"
ENROLLMENT_CREATED = "courses.enrollment.created"
ENROLLMENT_COMPLETED = "courses.enrollment.completed"
PROGRESS_UPDATED = "courses.progress.updated"


def course_created_publish(*, course: Course) -> dict:
    return publish(
        COURSE_CREATED,
        {
            "courseId": course.id,
            "coachId": course.coach_id,
            "title": course.title,
            "status": course.status,
            "createdAt": course.created_at,
        },
        aggregate_id=course.id,
    )


def _enrollment_fields(enrollment: Enrollment, course: Course) -> dict:
    return {
        "enrollmentId": enrollment.id,
        "courseId": course.id,
        "clientId": enrollment.client_id,
        "coachId": enrollment.coach_id,
        "courseTitle": course.title,
        "clientEmail": enrollment.client_email,
        "clientName": enrollment.client_name,
    }


def enrollment_created_publish(*, enrollment: Enrollment, course: Course) -> dict:
    return publish(
        ENROLLMENT_CREATED,
        {
            **_enrollment_fields(enrollment, course),
            "source": enrollment.source,
            "accessUrl": access_url_for(enrollment_id=enrollment.id, access_version=enrollment.access_version),
            "transactionId": enrollment.transaction_id,
            "enrolledAt": enrollment.enrolled_at,
        },
        aggregate_id=enrollment.id,
    )


def enrollment_completed_publish(*, enrollment: Enrollment, course: Course) -> dict:
    return publish(
        ENROLLMENT_COMPLETED,
        {
            **_enrollment_fields(enrollment, course),
            "enrolledAt": enrollment.enrolled_at,
            "completedAt": enrollment.completed_at,
        },
        aggregate_id=enrollment.id,
    )


def progress_updated_publish(
    *,
    enrollment: Enrollment,
    lesson_id: UUID | None,
    updated_at: datetime,
    asset_id: UUID | None = None,
    play_started: bool = False,
    seconds_watched: int = 0,
    lesson_completed: bool = False,
) -> dict:
    """A lesson completed (``lesson_completed``), a playback report of a lesson's video, or the
    course's lessons changed (no lesson); the enrollment's counts as they are now."""
    return publish(
        PROGRESS_UPDATED,
        {
            "enrollmentId": enrollment.id,
            "courseId": enrollment.course_id,
            "clientId": enrollment.client_id,
            "coachId": enrollment.coach_id,
            "lessonId": lesson_id,
            "assetId": asset_id,
            "playStarted": play_started,
            "secondsWatched": seconds_watched,
            "lessonCompleted": lesson_completed,
            "completedLessons": enrollment.counted_lessons_completed,
            "totalLessons": enrollment.counted_lessons_total,
            "progressPercent": enrollment.progress_percent,
            "updatedAt": updated_at,
        },
        aggregate_id=enrollment.id,
        version=2,
    )
