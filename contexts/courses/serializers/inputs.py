"""Input shapes of the courses API: the camelCase of the wire in, the domain's snake_case names out
(``validated_data`` is ready for a service)."""

from __future__ import annotations

from rest_framework import serializers

from contexts.courses.models import CourseStatus, EnrollmentStatus, LessonKind
from nlc.api.serializers import CamelCaseSerializer

MAX_DRIP_DAYS = 3650
MAX_SECONDS = 7 * 24 * 3600


# --- Courses, modules, lessons -----------------------------------------------------------------


class CourseFilterSerializer(CamelCaseSerializer):
    status = serializers.ChoiceField(choices=CourseStatus.choices, required=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's courses")
    search = serializers.CharField(required=False, max_length=200)


class CourseCreateInputSerializer(CamelCaseSerializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=100, required=False, help_text="From the title when not given")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    sequential = serializers.BooleanField(required=False, default=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins only, and required for them: whose course")


class CourseUpdateInputSerializer(CamelCaseSerializer):
    title = serializers.CharField(max_length=200, required=False)
    slug = serializers.SlugField(max_length=100, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    sequential = serializers.BooleanField(required=False)


class _DripSerializer(CamelCaseSerializer):
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


class ModuleOrderInputSerializer(CamelCaseSerializer):
    moduleIds = serializers.ListField(child=serializers.UUIDField(), allow_empty=False, max_length=1000)


class LessonOrderInputSerializer(CamelCaseSerializer):
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
    required = serializers.BooleanField(
        source="is_required", required=False, help_text="Counts for the course's completion"
    )
    freePreview = serializers.BooleanField(source="is_free_preview", required=False)


class LessonCreateInputSerializer(_LessonFieldsSerializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=LessonKind.choices)


class LessonUpdateInputSerializer(_LessonFieldsSerializer):
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=LessonKind.choices, required=False)
    moduleId = serializers.UUIDField(required=False, help_text="Move the lesson to the end of this module")


# --- Enrollments -------------------------------------------------------------------------------


class EnrollmentFilterSerializer(CamelCaseSerializer):
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices, required=False)
    search = serializers.CharField(required=False, max_length=254, help_text="In the learner's e-mail or name")


class EnrollmentGrantInputSerializer(CamelCaseSerializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SnapshotFilterSerializer(CamelCaseSerializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


# --- Learners ----------------------------------------------------------------------------------


class PlaybackInputSerializer(CamelCaseSerializer):
    event = serializers.ChoiceField(
        choices=["started", "progress"], help_text="started: a play begins; progress: seconds watched since"
    )
    secondsWatched = serializers.IntegerField(
        min_value=0, max_value=3600, help_text="Seconds watched since the last report for this lesson"
    )


class ProgressInputSerializer(CamelCaseSerializer):
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
