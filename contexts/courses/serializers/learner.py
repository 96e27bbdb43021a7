"""Output shapes of the learner's API (an access link) and of the public previews.

The learner's outline is rendered by :func:`outline_data` straight from the cached structure (it is
the hottest read); :class:`OutlineSerializer` describes the same shape for the OpenAPI document, and
a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from contexts.courses import rules
from contexts.courses.data import NO_PROGRESS, LessonProgressView, Outline, Playback, ProgressRecorded
from contexts.courses.models import Enrollment, EnrollmentStatus, Lesson, LessonKind
from contexts.courses.structure import CourseStructure, LessonNode
from nlc.api.serializers import CamelCaseSerializer
from nlc.time import iso_z

# --- Learners ----------------------------------------------------------------------------------


def lesson_progress_data(lesson: LessonNode | Lesson, view: LessonProgressView) -> dict[str, Any]:
    """A learner's progress in one lesson (also in the coach's view of an enrollment)."""
    return {
        "completed": view.completed,
        "completedAt": iso_z(view.completed_at),
        "positionSeconds": view.position_seconds,
        "watchedSeconds": view.watched_seconds,
        "progressPercent": rules.lesson_percent(
            watched_seconds=view.watched_seconds, duration_seconds=lesson.duration_seconds, completed=view.completed
        ),
    }


class _AvailabilityFields(CamelCaseSerializer):
    state = serializers.ChoiceField(choices=[("open", "open"), ("locked", "locked")])
    lockedReason = serializers.ChoiceField(
        choices=[(rules.LOCKED_BY_DRIP, "drip"), (rules.LOCKED_BY_SEQUENCE, "sequential")], allow_null=True
    )
    opensAt = serializers.DateTimeField(allow_null=True, help_text="When a drip-locked item opens")


class OutlineLessonSerializer(_AvailabilityFields):
    id = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    position = serializers.IntegerField()
    required = serializers.BooleanField(help_text="Counts for completion")
    freePreview = serializers.BooleanField()
    durationSeconds = serializers.IntegerField(allow_null=True)
    mediaState = serializers.CharField(help_text="pending, ready, failed, deleted; empty without media")
    waitingForLessonId = serializers.UUIDField(
        allow_null=True, help_text="In a sequential course: the lesson to complete first"
    )
    completed = serializers.BooleanField()
    completedAt = serializers.DateTimeField(allow_null=True)
    positionSeconds = serializers.IntegerField(help_text="Where the video resumes")
    watchedSeconds = serializers.IntegerField()
    progressPercent = serializers.IntegerField()


class OutlineModuleSerializer(_AvailabilityFields):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    position = serializers.IntegerField()
    lessons = OutlineLessonSerializer(many=True)


class OutlineEnrollmentSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    clientName = serializers.CharField()
    progressPercent = serializers.IntegerField()
    completedLessons = serializers.IntegerField()
    totalLessons = serializers.IntegerField()
    enrolledAt = serializers.DateTimeField()
    completedAt = serializers.DateTimeField(allow_null=True)


class OutlineCourseSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    sequential = serializers.BooleanField()


class OutlineResumeSerializer(CamelCaseSerializer):
    lessonId = serializers.UUIDField()
    positionSeconds = serializers.IntegerField()


class OutlineSerializer(CamelCaseSerializer):
    enrollment = OutlineEnrollmentSerializer()
    course = OutlineCourseSerializer()
    resume = OutlineResumeSerializer(allow_null=True, help_text="The lesson reported on last, to continue")
    modules = OutlineModuleSerializer(many=True)


def _enrollment_summary_data(enrollment: Enrollment) -> dict[str, Any]:
    """An enrollment as :class:`OutlineEnrollmentSerializer` declares it."""
    return {
        "id": str(enrollment.id),
        "status": enrollment.status,
        "clientName": enrollment.client_name,
        "progressPercent": enrollment.progress_percent,
        "completedLessons": enrollment.counted_lessons_completed,
        "totalLessons": enrollment.counted_lessons_total,
        "enrolledAt": iso_z(enrollment.enrolled_at),
        "completedAt": iso_z(enrollment.completed_at),
    }


def _availability_data(availability: rules.Availability) -> dict[str, Any]:
    if availability.is_open:
        return {"state": "open", "lockedReason": None, "opensAt": None}
    return {"state": "locked", "lockedReason": availability.reason, "opensAt": iso_z(availability.opens_at)}


def outline_data(outline: Outline) -> dict:
    enrollment, structure, course = outline.enrollment, outline.structure, outline.enrollment.course
    counted = structure.counted_lesson_ids
    modules = []
    for module in structure.modules:
        lessons = []
        for lesson_id in module.lesson_ids:
            lesson = structure.lessons[lesson_id]
            availability = outline.lessons[lesson_id]
            lessons.append(
                {
                    "id": str(lesson_id),
                    "title": lesson.title,
                    "kind": lesson.kind,
                    "position": lesson.position,
                    "required": lesson_id in counted,
                    "freePreview": lesson.is_free_preview,
                    "durationSeconds": lesson.duration_seconds,
                    "mediaState": lesson.media_state,
                    **_availability_data(availability),
                    "waitingForLessonId": str(availability.waiting_for) if availability.waiting_for else None,
                    **lesson_progress_data(lesson, outline.progress.get(lesson_id, NO_PROGRESS)),
                }
            )
        modules.append(
            {
                "id": str(module.id),
                "title": module.title,
                "description": module.description,
                "position": module.position,
                **_availability_data(outline.modules[module.id]),
                "lessons": lessons,
            }
        )
    resume_id = outline.resume_lesson_id
    return {
        "enrollment": _enrollment_summary_data(enrollment),
        "course": {
            "id": str(course.id),
            "title": course.title,
            "description": course.description,
            "sequential": course.sequential,
        },
        "resume": (
            {"lessonId": str(resume_id), "positionSeconds": outline.progress[resume_id].position_seconds}
            if resume_id
            else None
        ),
        "modules": modules,
    }


class LearnerLessonProgressSerializer(CamelCaseSerializer):
    completed = serializers.BooleanField()
    completedAt = serializers.DateTimeField(allow_null=True)
    positionSeconds = serializers.IntegerField()
    watchedSeconds = serializers.IntegerField()
    progressPercent = serializers.IntegerField()


class PlaybackSerializer(CamelCaseSerializer):
    type = serializers.ChoiceField(
        choices=["embed", "download", "stream"],
        help_text="embed: the provider's player URL; download: a signed link that works once; "
        "stream: a signed link a player may read again until it expires",
    )
    url = serializers.URLField()
    expiresAt = serializers.DateTimeField(allow_null=True, help_text="When a signed link stops working; null for embed")


class LearnerLessonSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    moduleId = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    body = serializers.CharField()
    mediaAssetId = serializers.UUIDField(allow_null=True, help_text="Play or download it through the media context")
    mediaState = serializers.CharField()
    durationSeconds = serializers.IntegerField(allow_null=True)
    fileName = serializers.CharField()
    completionThresholdPercent = serializers.IntegerField()
    progress = LearnerLessonProgressSerializer()
    playback = PlaybackSerializer(
        allow_null=True, help_text="How to play or download the lesson's media; null until it is ready"
    )


def playback_data(playback: Playback | None) -> dict | None:
    if playback is None:
        return None
    expires_at = iso_z(playback.expires_at) if playback.expires_at else None
    return {"type": playback.type, "url": playback.url, "expiresAt": expires_at}


def learner_lesson_data(lesson, view: LessonProgressView, playback: Playback | None = None) -> dict:
    return {
        "id": str(lesson.id),
        "moduleId": str(lesson.module_id),
        "title": lesson.title,
        "kind": lesson.kind,
        "body": lesson.body,
        "mediaAssetId": str(lesson.media_asset_id) if lesson.media_asset_id else None,
        "mediaState": lesson.media_state,
        "durationSeconds": lesson.duration_seconds,
        "fileName": lesson.file_name,
        "completionThresholdPercent": lesson.completion_threshold_percent,
        "progress": lesson_progress_data(lesson, view),
        "playback": playback_data(playback),
    }


class ProgressRecordedSerializer(CamelCaseSerializer):
    lessonId = serializers.UUIDField()
    completed = serializers.BooleanField()
    completedAt = serializers.DateTimeField(allow_null=True)
    positionSeconds = serializers.IntegerField()
    watchedSeconds = serializers.IntegerField()
    progressPercent = serializers.IntegerField(help_text="Of this lesson")
    enrollment = OutlineEnrollmentSerializer()


def progress_recorded_data(recorded: ProgressRecorded, lesson: LessonNode) -> dict:
    progress, enrollment = recorded.progress, recorded.enrollment
    view = LessonProgressView(progress.position_seconds, progress.watched_seconds, progress.completed_at)
    return {
        "lessonId": str(lesson.id),
        **lesson_progress_data(lesson, view),
        "enrollment": _enrollment_summary_data(enrollment),
    }


# --- Public previews ---------------------------------------------------------------------------


class PreviewLessonSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    durationSeconds = serializers.IntegerField(allow_null=True)
    freePreview = serializers.BooleanField(help_text="Readable without enrolling")


class PreviewModuleSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    lessons = PreviewLessonSerializer(many=True)


class PreviewSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    modules = PreviewModuleSerializer(many=True)


def preview_data(course, structure: CourseStructure) -> dict:
    return {
        "id": str(course.id),
        "title": course.title,
        "description": course.description,
        "modules": [
            {
                "id": str(module.id),
                "title": module.title,
                "description": module.description,
                "lessons": [
                    {
                        "id": str(lesson.id),
                        "title": lesson.title,
                        "kind": lesson.kind,
                        "durationSeconds": lesson.duration_seconds,
                        "freePreview": lesson.is_free_preview,
                    }
                    for lesson in (structure.lessons[lesson_id] for lesson_id in module.lesson_ids)
                ],
            }
            for module in structure.modules
        ],
    }
