"""Output shapes of the coach's and admin's courses API (camelCase on the wire)."""

from __future__ import annotations

from rest_framework import serializers

from contexts.courses.access import access_url_for
from contexts.courses.data import NO_PROGRESS, CourseAggregates
from contexts.courses.models import (
    CourseStatus,
    EnrollmentSource,
    EnrollmentStatus,
    LessonKind,
    MediaState,
    RevokeReason,
)
from contexts.courses.serializers.learner import lesson_progress_data
from contexts.courses.structure import CourseStructure
from nlc.api.serializers import CamelCaseSerializer
from nlc.time import iso_z

# --- Courses, modules, lessons -----------------------------------------------------------------


class CourseSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=CourseStatus.choices)
    sequential = serializers.BooleanField()
    lessonCount = serializers.IntegerField(required=False)
    learnerCount = serializers.SerializerMethodField(help_text="Active and completed enrollments")
    publishedAt = serializers.DateTimeField(allow_null=True)
    archivedAt = serializers.DateTimeField(allow_null=True)
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()

    def get_learnerCount(self, course) -> int:
        stats = getattr(course, "stats", None)
        return stats.learners if stats is not None else 0


class _LessonSummarySerializer(CamelCaseSerializer):
    """A lesson as the structure holds it (no body)."""

    id = serializers.UUIDField()
    moduleId = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    position = serializers.IntegerField()
    mediaAssetId = serializers.UUIDField(allow_null=True)
    mediaState = serializers.ChoiceField(
        choices=[*MediaState.choices, ("", "No media")], help_text="Empty without media"
    )
    durationSeconds = serializers.IntegerField(allow_null=True)
    fileName = serializers.CharField()
    completionThresholdPercent = serializers.IntegerField()
    required = serializers.BooleanField(source="is_required")
    freePreview = serializers.BooleanField(source="is_free_preview")
    opensAt = serializers.DateTimeField(allow_null=True)
    opensAfterDays = serializers.IntegerField(allow_null=True)


class LessonSerializer(_LessonSummarySerializer):
    courseId = serializers.UUIDField()
    body = serializers.CharField()
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()


class ModuleSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    courseId = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    position = serializers.IntegerField()
    opensAt = serializers.DateTimeField(allow_null=True)
    opensAfterDays = serializers.IntegerField(allow_null=True)


class _ModuleWithLessonsSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    position = serializers.IntegerField()
    opensAt = serializers.DateTimeField(allow_null=True)
    opensAfterDays = serializers.IntegerField(allow_null=True)
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


class EnrollmentSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    courseId = serializers.UUIDField()
    coachId = serializers.UUIDField()
    clientId = serializers.UUIDField()
    clientEmail = serializers.EmailField()
    clientName = serializers.CharField()
    source = serializers.ChoiceField(choices=EnrollmentSource.choices)
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    transactionId = serializers.UUIDField(allow_null=True)
    progressPercent = serializers.IntegerField()
    completedLessons = serializers.IntegerField(source="counted_lessons_completed")
    totalLessons = serializers.IntegerField(source="counted_lessons_total", help_text="Lessons that count")
    enrolledAt = serializers.DateTimeField()
    completedAt = serializers.DateTimeField(allow_null=True)
    revokedAt = serializers.DateTimeField(allow_null=True)
    revokedReason = serializers.ChoiceField(choices=[*RevokeReason.choices, ("", "Not revoked")])
    lastActivityAt = serializers.DateTimeField(allow_null=True)


class LessonProgressSerializer(CamelCaseSerializer):
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
            **lesson_progress_data(lesson, progress.get(lesson.id, NO_PROGRESS)),
        }
        for lesson in structure.lessons.values()
    ]
    return {**EnrollmentSerializer(enrollment).data, "accessUrl": access_url, "lessons": lessons}


class SnapshotSerializer(CamelCaseSerializer):
    day = serializers.DateField()
    progressPercent = serializers.IntegerField()
    completedLessons = serializers.IntegerField(source="counted_lessons_completed")
    totalLessons = serializers.IntegerField(source="counted_lessons_total")


# --- Aggregates --------------------------------------------------------------------------------


class LessonFunnelSerializer(CamelCaseSerializer):
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


class CourseAggregatesSerializer(CamelCaseSerializer):
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
        "updatedAt": iso_z(stats.updated_at),
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
