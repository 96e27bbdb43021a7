"""Input and output shapes of the courses API (camelCase on the wire).

The learner's outline is rendered by :func:`outline_data` straight from the cached structure (it is
the hottest read); :class:`OutlineSerializer` describes the same shape for the OpenAPI document, and
a test keeps the two in step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework import serializers

from contexts.courses import rules
from contexts.courses.access import access_url_for
from contexts.courses.models import (
    CourseStatus,
    EnrollmentSource,
    EnrollmentStatus,
    LessonKind,
    MediaState,
    RevokeReason,
)
from contexts.courses.selectors import NO_PROGRESS, CourseAggregates, LessonProgressView, Outline
from contexts.courses.structure import CourseStructure, LessonNode

MAX_DRIP_DAYS = 3650
MAX_SECONDS = 7 * 24 * 3600


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


# --- Courses, modules, lessons -----------------------------------------------------------------


class CourseFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CourseStatus.choices, required=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's courses")
    search = serializers.CharField(required=False, max_length=200)


class CourseCreateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=100, required=False, help_text="From the title when not given")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    sequential = serializers.BooleanField(required=False, default=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins only, and required for them: whose course")


class CourseUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    slug = serializers.SlugField(max_length=100, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    sequential = serializers.BooleanField(required=False)


class CourseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField(source="coach_id")
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=CourseStatus.choices)
    sequential = serializers.BooleanField()
    lessonCount = serializers.IntegerField(source="lesson_count", required=False)
    learnerCount = serializers.SerializerMethodField(help_text="Active and completed enrollments")
    publishedAt = serializers.DateTimeField(source="published_at", allow_null=True)
    archivedAt = serializers.DateTimeField(source="archived_at", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_learnerCount(self, course) -> int:
        stats = getattr(course, "stats", None)
        return stats.learners if stats is not None else 0


class _DripSerializer(serializers.Serializer):
    opensAt = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Drip: opens on this date (not with opensAfterDays)"
    )
    opensAfterDays = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_DRIP_DAYS,
        help_text="Drip: opens this many days after the learner's enrollment",
    )


class ModuleInputSerializer(_DripSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ModuleUpdateInputSerializer(_DripSerializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class ModuleOrderInputSerializer(serializers.Serializer):
    moduleIds = serializers.ListField(child=serializers.UUIDField(), allow_empty=False, max_length=1000)


class LessonOrderInputSerializer(serializers.Serializer):
    lessonIds = serializers.ListField(child=serializers.UUIDField(), allow_empty=False, max_length=1000)


class _LessonFieldsSerializer(_DripSerializer):
    body = serializers.CharField(required=False, allow_blank=True, help_text="A text lesson's content")
    mediaAssetId = serializers.UUIDField(required=False, allow_null=True, help_text="Video or downloadable")
    durationSeconds = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_SECONDS, help_text="Set by media when ready"
    )
    fileName = serializers.CharField(required=False, allow_blank=True, max_length=255)
    completionThresholdPercent = serializers.IntegerField(
        required=False, min_value=1, max_value=100, help_text="Share of a video to watch to complete it (default 90)"
    )
    required = serializers.BooleanField(required=False, help_text="Counts for the course's completion")
    freePreview = serializers.BooleanField(required=False)


class LessonCreateInputSerializer(_LessonFieldsSerializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=LessonKind.choices)


class LessonUpdateInputSerializer(_LessonFieldsSerializer):
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=LessonKind.choices, required=False)
    moduleId = serializers.UUIDField(required=False, help_text="Move the lesson to the end of this module")


# Wire name -> service argument, for lesson inputs.
LESSON_INPUT_FIELDS = {
    "title": "title",
    "kind": "kind",
    "body": "body",
    "mediaAssetId": "media_asset_id",
    "durationSeconds": "duration_seconds",
    "fileName": "file_name",
    "completionThresholdPercent": "completion_threshold_percent",
    "required": "is_required",
    "freePreview": "is_free_preview",
    "opensAt": "opens_at",
    "opensAfterDays": "opens_after_days",
}


class _LessonSummarySerializer(serializers.Serializer):
    """A lesson as the structure holds it (no body)."""

    id = serializers.UUIDField()
    moduleId = serializers.UUIDField(source="module_id")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    position = serializers.IntegerField()
    mediaAssetId = serializers.UUIDField(source="media_asset_id", allow_null=True)
    mediaState = serializers.ChoiceField(
        source="media_state", choices=[*MediaState.choices, ("", "No media")], help_text="Empty without media"
    )
    durationSeconds = serializers.IntegerField(source="duration_seconds", allow_null=True)
    fileName = serializers.CharField(source="file_name")
    completionThresholdPercent = serializers.IntegerField(source="completion_threshold_percent")
    required = serializers.BooleanField(source="is_required")
    freePreview = serializers.BooleanField(source="is_free_preview")
    opensAt = serializers.DateTimeField(source="opens_at", allow_null=True)
    opensAfterDays = serializers.IntegerField(source="opens_after_days", allow_null=True)


class LessonSerializer(_LessonSummarySerializer):
    courseId = serializers.UUIDField(source="course_id")
    body = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")


class ModuleSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    courseId = serializers.UUIDField(source="course_id")
    title = serializers.CharField()
    description = serializers.CharField()
    position = serializers.IntegerField()
    opensAt = serializers.DateTimeField(source="opens_at", allow_null=True)
    opensAfterDays = serializers.IntegerField(source="opens_after_days", allow_null=True)


class _ModuleWithLessonsSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    position = serializers.IntegerField()
    opensAt = serializers.DateTimeField(source="opens_at", allow_null=True)
    opensAfterDays = serializers.IntegerField(source="opens_after_days", allow_null=True)
    lessons = _LessonSummarySerializer(many=True)


class CourseDetailSerializer(CourseSerializer):
    modules = _ModuleWithLessonsSerializer(many=True)


def course_detail_data(course, structure: CourseStructure) -> dict:
    modules = [
        {**module.__dict__, "lessons": [structure.lessons[lesson_id] for lesson_id in module.lesson_ids]}
        for module in structure.modules
    ]
    course.lesson_count = len(structure.lessons)
    return {**CourseSerializer(course).data, "modules": _ModuleWithLessonsSerializer(modules, many=True).data}


# --- Enrollments -------------------------------------------------------------------------------


class EnrollmentFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices, required=False)
    search = serializers.CharField(required=False, max_length=254, help_text="In the learner's e-mail or name")


class EnrollmentGrantInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EnrollmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    courseId = serializers.UUIDField(source="course_id")
    coachId = serializers.UUIDField(source="coach_id")
    clientId = serializers.UUIDField(source="client_id")
    clientEmail = serializers.EmailField(source="client_email")
    clientName = serializers.CharField(source="client_name")
    source = serializers.ChoiceField(choices=EnrollmentSource.choices)
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    transactionId = serializers.UUIDField(source="transaction_id", allow_null=True)
    progressPercent = serializers.IntegerField(source="progress_percent")
    completedLessons = serializers.IntegerField(source="counted_lessons_completed")
    totalLessons = serializers.IntegerField(source="counted_lessons_total", help_text="Lessons that count")
    enrolledAt = serializers.DateTimeField(source="enrolled_at")
    completedAt = serializers.DateTimeField(source="completed_at", allow_null=True)
    revokedAt = serializers.DateTimeField(source="revoked_at", allow_null=True)
    revokedReason = serializers.ChoiceField(
        source="revoked_reason", choices=[*RevokeReason.choices, ("", "Not revoked")]
    )
    lastActivityAt = serializers.DateTimeField(source="last_activity_at", allow_null=True)


class LessonProgressSerializer(serializers.Serializer):
    lessonId = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    required = serializers.BooleanField()
    completed = serializers.BooleanField()
    completedAt = serializers.DateTimeField(allow_null=True)
    positionSeconds = serializers.IntegerField()
    watchedSeconds = serializers.IntegerField()
    progressPercent = serializers.IntegerField()


class EnrollmentDetailSerializer(EnrollmentSerializer):
    accessUrl = serializers.URLField(allow_null=True, help_text="The learner's access link; null once revoked")
    lessons = LessonProgressSerializer(many=True)


def _lesson_progress_data(lesson: LessonNode, view: LessonProgressView) -> dict:
    return {
        "completed": view.completed,
        "completedAt": _iso(view.completed_at),
        "positionSeconds": view.position_seconds,
        "watchedSeconds": view.watched_seconds,
        "progressPercent": rules.lesson_percent(
            watched_seconds=view.watched_seconds, duration_seconds=lesson.duration_seconds, completed=view.completed
        ),
    }


def enrollment_detail_data(enrollment, structure: CourseStructure, progress: dict) -> dict:
    access_url = (
        access_url_for(enrollment_id=enrollment.id, access_version=enrollment.access_version)
        if enrollment.has_access
        else None
    )
    lessons = [
        {
            "lessonId": str(lesson.id),
            "title": lesson.title,
            "kind": lesson.kind,
            "required": lesson.id in structure.counted_lesson_ids,
            **_lesson_progress_data(lesson, progress.get(lesson.id, NO_PROGRESS)),
        }
        for lesson in structure.lessons.values()
    ]
    return {**EnrollmentSerializer(enrollment).data, "accessUrl": access_url, "lessons": lessons}


class SnapshotFilterSerializer(serializers.Serializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class SnapshotSerializer(serializers.Serializer):
    day = serializers.DateField()
    progressPercent = serializers.IntegerField(source="progress_percent")
    completedLessons = serializers.IntegerField(source="counted_lessons_completed")
    totalLessons = serializers.IntegerField(source="counted_lessons_total")


# --- Aggregates --------------------------------------------------------------------------------


class LessonFunnelSerializer(serializers.Serializer):
    lessonId = serializers.UUIDField()
    moduleId = serializers.UUIDField()
    title = serializers.CharField()
    index = serializers.IntegerField(help_text="Place in the course, from 0")
    learnersStarted = serializers.IntegerField()
    learnersCompleted = serializers.IntegerField()
    dropOffPercent = serializers.FloatField(
        help_text="Of the learners who completed the lesson before (the first: of all enrollments), "
        "the share who have not completed this one"
    )


class CourseAggregatesSerializer(serializers.Serializer):
    courseId = serializers.UUIDField()
    enrollments = serializers.IntegerField(help_text="Every enrollment ever, revoked included")
    activeEnrollments = serializers.IntegerField()
    completedEnrollments = serializers.IntegerField()
    revokedEnrollments = serializers.IntegerField()
    activeLearners7d = serializers.IntegerField(help_text="Learners with progress in the last 7 days")
    completionRatePercent = serializers.FloatField(help_text="Completed of active and completed enrollments")
    averageProgressPercent = serializers.FloatField(help_text="Over active and completed enrollments")
    updatedAt = serializers.DateTimeField(allow_null=True)
    lessons = LessonFunnelSerializer(many=True)


def aggregates_data(aggregates: CourseAggregates) -> dict:
    stats = aggregates.stats
    return {
        "courseId": str(aggregates.course.id),
        "enrollments": stats.enrollments_total,
        "activeEnrollments": stats.enrollments_active,
        "completedEnrollments": stats.enrollments_completed,
        "revokedEnrollments": stats.enrollments_revoked,
        "activeLearners7d": stats.active_learners_7d,
        "completionRatePercent": stats.completion_rate_percent,
        "averageProgressPercent": stats.average_progress_percent,
        "updatedAt": _iso(stats.updated_at),
        "lessons": [
            {
                "lessonId": str(row.lesson.id),
                "moduleId": str(row.lesson.module_id),
                "title": row.lesson.title,
                "index": row.index,
                "learnersStarted": row.learners_started,
                "learnersCompleted": row.learners_completed,
                "dropOffPercent": row.drop_off_percent,
            }
            for row in aggregates.lessons
        ],
    }


# --- Learners ----------------------------------------------------------------------------------


class _AvailabilityFields(serializers.Serializer):
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


class OutlineEnrollmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    clientName = serializers.CharField()
    progressPercent = serializers.IntegerField()
    completedLessons = serializers.IntegerField()
    totalLessons = serializers.IntegerField()
    enrolledAt = serializers.DateTimeField()
    completedAt = serializers.DateTimeField(allow_null=True)


class OutlineCourseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    sequential = serializers.BooleanField()


class OutlineResumeSerializer(serializers.Serializer):
    lessonId = serializers.UUIDField()
    positionSeconds = serializers.IntegerField()


class OutlineSerializer(serializers.Serializer):
    enrollment = OutlineEnrollmentSerializer()
    course = OutlineCourseSerializer()
    resume = OutlineResumeSerializer(allow_null=True, help_text="The lesson reported on last, to continue")
    modules = OutlineModuleSerializer(many=True)


def _availability_data(availability: rules.Availability) -> dict[str, Any]:
    if availability.is_open:
        return {"state": "open", "lockedReason": None, "opensAt": None}
    return {"state": "locked", "lockedReason": availability.reason, "opensAt": _iso(availability.opens_at)}


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
                    **_lesson_progress_data(lesson, outline.progress.get(lesson_id, NO_PROGRESS)),
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
        "enrollment": {
            "id": str(enrollment.id),
            "status": enrollment.status,
            "clientName": enrollment.client_name,
            "progressPercent": enrollment.progress_percent,
            "completedLessons": enrollment.counted_lessons_completed,
            "totalLessons": enrollment.counted_lessons_total,
            "enrolledAt": _iso(enrollment.enrolled_at),
            "completedAt": _iso(enrollment.completed_at),
        },
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


class LearnerLessonProgressSerializer(serializers.Serializer):
    completed = serializers.BooleanField()
    completedAt = serializers.DateTimeField(allow_null=True)
    positionSeconds = serializers.IntegerField()
    watchedSeconds = serializers.IntegerField()
    progressPercent = serializers.IntegerField()


class LearnerLessonSerializer(serializers.Serializer):
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


def learner_lesson_data(lesson, view: LessonProgressView) -> dict:
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
        "progress": _lesson_progress_data(lesson, view),
    }


class ProgressInputSerializer(serializers.Serializer):
    positionSeconds = serializers.FloatField(
        required=False, min_value=0, max_value=MAX_SECONDS, help_text="Video: where the player is (resume point)"
    )
    watchedFromSeconds = serializers.FloatField(
        required=False,
        min_value=0,
        max_value=MAX_SECONDS,
        help_text="Video: the learner watched without a jump from here to positionSeconds since the last report",
    )
    completed = serializers.BooleanField(required=False, default=False, help_text="Text and downloadable lessons")


class ProgressRecordedSerializer(serializers.Serializer):
    lessonId = serializers.UUIDField()
    completed = serializers.BooleanField()
    completedAt = serializers.DateTimeField(allow_null=True)
    positionSeconds = serializers.IntegerField()
    watchedSeconds = serializers.IntegerField()
    progressPercent = serializers.IntegerField(help_text="Of this lesson")
    enrollment = OutlineEnrollmentSerializer()


def progress_recorded_data(recorded, lesson: LessonNode) -> dict:
    progress, enrollment = recorded.progress, recorded.enrollment
    view = LessonProgressView(progress.position_seconds, progress.watched_seconds, progress.completed_at)
    return {
        "lessonId": str(lesson.id),
        **_lesson_progress_data(lesson, view),
        "enrollment": {
            "id": str(enrollment.id),
            "status": enrollment.status,
            "clientName": enrollment.client_name,
            "progressPercent": enrollment.progress_percent,
            "completedLessons": enrollment.counted_lessons_completed,
            "totalLessons": enrollment.counted_lessons_total,
            "enrolledAt": _iso(enrollment.enrolled_at),
            "completedAt": _iso(enrollment.completed_at),
        },
    }


# --- Public previews ---------------------------------------------------------------------------


class PreviewLessonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    durationSeconds = serializers.IntegerField(allow_null=True)
    freePreview = serializers.BooleanField(help_text="Readable without enrolling")


class PreviewModuleSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    lessons = PreviewLessonSerializer(many=True)


class PreviewSerializer(serializers.Serializer):
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
