"""Courses, their modules and lessons, enrollments, learner progress, daily snapshots and aggregates.

Other contexts appear only as UUID columns (coach_id, client_id, transaction_id, media_asset_id) and
as local copies kept from their events (:class:`Coach`, :class:`MediaAsset`).
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from nlc.db.models import TimeStampedModel, UUIDModel


class CourseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class LessonKind(models.TextChoices):
    VIDEO = "video", "Video"
    TEXT = "text", "Text"
    DOWNLOAD = "download", "Downloadable"


class MediaState(models.TextChoices):
    PENDING = "pending", "Pending"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    DELETED = "deleted", "Deleted"


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    REVOKED = "revoked", "Revoked"


class EnrollmentSource(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    MANUAL = "manual", "Granted by the coach"


class RevokeReason(models.TextChoices):
    REFUND = "refund", "Payment refunded"
    COACH = "coach", "Revoked by the coach"
    ERASED = "erased", "The learner was erased"


# --- Copies of other contexts' data -----------------------------------------------------------


class Coach(models.Model):
    """A coach as auth announced it (auth.user.created): lets an admin name a course's coach."""

    id = models.UUIDField(primary_key=True, help_text="The coach id")
    email = models.EmailField(max_length=254, db_index=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.email


class MediaAsset(models.Model):
    """The state of a media asset as the media context announced it (media.asset.*), kept so a
    lesson that picks the asset up later starts from what is already known."""

    id = models.UUIDField(primary_key=True, help_text="The media asset id")
    coach_id = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=16)
    state = models.CharField(max_length=16, choices=MediaState.choices)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(help_text="When media says the state changed")
    provider = models.CharField(max_length=32, blank=True, help_text="Where media hosts it: vimeo, local, storage")
    external_id = models.CharField(max_length=255, blank=True, help_text="The provider's id of the asset")
    playback_url = models.URLField(max_length=2048, blank=True, help_text="The provider's player URL (v2 events)")

    def __str__(self) -> str:
        return f"{self.id} ({self.state})"


# --- Structure ---------------------------------------------------------------------------------


class Course(TimeStampedModel):
    coach_id = models.UUIDField(db_index=True)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, help_text="Unique among the coach's courses")
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=CourseStatus.choices, default=CourseStatus.DRAFT)
    sequential = models.BooleanField(
        default=False, help_text="A lesson opens only when the required lessons before it are complete"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Renewed by every change of the course's modules and lessons: the cached structure is keyed by it.
    structure_revision = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach_id", "slug"], name="courses_course_slug_per_coach")]
        indexes = [models.Index(fields=["coach_id", "-created_at"], name="courses_course_coach_recent")]

    def __str__(self) -> str:
        return self.title


class DripFields(models.Model):
    """Drip: an item opens on a date, or a number of days after the learner's enrollment."""

    opens_at = models.DateTimeField(null=True, blank=True)
    opens_after_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


class Module(TimeStampedModel, DripFields):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="courses_module_position_unique"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(opens_after_days__isnull=True), name="courses_module_one_drip"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(TimeStampedModel, DripFields):
    # The course is the module's; kept on the lesson so a course's lessons are one indexed query.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=LessonKind.choices)
    position = models.PositiveIntegerField(help_text="Order inside the module")
    body = models.TextField(blank=True, help_text="A text lesson's content; notes for the others")
    media_asset_id = models.UUIDField(null=True, blank=True, db_index=True)
    media_state = models.CharField(max_length=16, choices=MediaState.choices, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True, help_text="A downloadable's file name")
    completion_threshold_percent = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_required = models.BooleanField(default=True)
    is_free_preview = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "position"], name="courses_lesson_position_unique"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(opens_after_days__isnull=True), name="courses_lesson_one_drip"
            ),
            models.CheckConstraint(
                condition=Q(completion_threshold_percent__gte=1) & Q(completion_threshold_percent__lte=100),
                name="courses_lesson_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- Enrollments and progress ------------------------------------------------------------------


class Enrollment(TimeStampedModel):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    coach_id = models.UUIDField(db_index=True, help_text="The course's coach, for scoping")
    client_id = models.UUIDField(db_index=True)
    client_email = models.EmailField(max_length=254)
    client_name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=16, choices=EnrollmentSource.choices)
    status = models.CharField(max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE)
    # The payment that gives access now (a purchase); one payment never enrolls twice.
    transaction_id = models.UUIDField(null=True, blank=True, unique=True)
    enrolled_at = models.DateTimeField(default=timezone.now, help_text="Drip counts days from here")
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=16, choices=RevokeReason.choices, blank=True)
    # Part of the signed access token: raising it makes every link issued before stop working.
    access_version = models.PositiveIntegerField(default=1)
    counted_lessons_total = models.PositiveIntegerField(default=0, help_text="Lessons that count for completion")
    counted_lessons_completed = models.PositiveIntegerField(default=0)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "client_id"], name="courses_enrollment_one_per_client"),
        ]
        indexes = [
            models.Index(fields=["course", "status", "-enrolled_at"], name="courses_enrollment_course"),
            models.Index(fields=["course", "last_activity_at"], name="courses_enrollment_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.client_email} in {self.course_id}"

    @property
    def has_access(self) -> bool:
        return self.status != EnrollmentStatus.REVOKED


class LessonProgress(UUIDModel):
    """A learner's progress in one lesson. ``watched_ranges`` is the union of the seconds watched,
    as sorted, disjoint ``[start, end)`` pairs, so watching a part again adds nothing."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    position_seconds = models.PositiveIntegerField(default=0, help_text="Where the player resumes")
    watched_ranges = models.JSONField(default=list, blank=True)
    watched_seconds = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="courses_progress_one_per_lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} / {self.lesson_id}"


class ProgressSnapshot(UUIDModel):
    """One active enrollment's progress on one day, for trend charts."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="snapshots")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    progress_percent = models.PositiveSmallIntegerField()
    counted_lessons_completed = models.PositiveIntegerField()
    counted_lessons_total = models.PositiveIntegerField()
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "day"], name="courses_snapshot_one_per_day"),
        ]
        indexes = [models.Index(fields=["course", "day"], name="courses_snapshot_course_day")]

    def __str__(self) -> str:
        return f"{self.enrollment_id} on {self.day}"


# --- Aggregates --------------------------------------------------------------------------------


class CourseStats(models.Model):
    """A course's aggregates, kept current by the services that change what they count.

    Enrollment counts and the progress sum move in the transaction of each change; learners active
    in the last 7 days go up when a learner comes back and are recounted exactly every day (and by
    ``manage.py courses refresh-stats``), since leaving the window is an event nobody sends.
    """

    course = models.OneToOneField(Course, on_delete=models.CASCADE, primary_key=True, related_name="stats")
    enrollments_active = models.PositiveIntegerField(default=0)
    enrollments_completed = models.PositiveIntegerField(default=0)
    enrollments_revoked = models.PositiveIntegerField(default=0)
    progress_percent_sum = models.PositiveBigIntegerField(default=0, help_text="Over active and completed")
    active_learners_7d = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "course stats"

    def __str__(self) -> str:
        return f"stats of {self.course_id}"

    @property
    def enrollments_total(self) -> int:
        return self.enrollments_active + self.enrollments_completed + self.enrollments_revoked

    @property
    def learners(self) -> int:
        return self.enrollments_active + self.enrollments_completed

    @property
    def completion_rate_percent(self) -> float:
        return round(100 * self.enrollments_completed / self.learners, 1) if self.learners else 0.0

    @property
    def average_progress_percent(self) -> float:
        return round(self.progress_percent_sum / self.learners, 1) if self.learners else 0.0


class LessonStats(models.Model):
    """How many learners ever started and completed a lesson: the course's drop-off funnel."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, primary_key=True, related_name="stats")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lesson_stats")
    learners_started = models.PositiveIntegerField(default=0)
    learners_completed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "lesson stats"

    def __str__(self) -> str:
        return f"stats of {self.lesson_id}"
