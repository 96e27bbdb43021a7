"""The aggregates (CourseStats, LessonStats): moved in the transaction of each change, and recounted
exactly on demand."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from contexts.courses.models import (
    Course,
    CourseStats,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    LessonStats,
)
from nlc.db.transactions import atomic

ACTIVE_WINDOW = timedelta(days=7)


def _stats_add(model, key: dict[str, Any], **deltas: int) -> None:
    deltas = {field: delta for field, delta in deltas.items() if delta}
    if not deltas:
        return
    updated = model.objects.filter(**key).update(
        **{field: Greatest(F(field) + delta, Value(0)) for field, delta in deltas.items()}
    )
    if not updated:  # a row made around the services (the Django admin): count it from scratch
        if model is CourseStats:
            course_stats_refresh(course_id=key["course_id"])
        else:
            lesson = Lesson.objects.get(pk=key["lesson_id"])
            _lesson_stats_recount(lesson_ids=[lesson.pk], course_id=lesson.course_id)


def _course_stats_add(course_id: UUID, **deltas: int) -> None:
    _stats_add(CourseStats, {"course_id": course_id}, **deltas)


def _lesson_stats_add(lesson_id: UUID, **deltas: int) -> None:
    _stats_add(LessonStats, {"lesson_id": lesson_id}, **deltas)


_STATUS_FIELDS: dict[str, str] = {
    EnrollmentStatus.ACTIVE: "enrollments_active",
    EnrollmentStatus.COMPLETED: "enrollments_completed",
    EnrollmentStatus.REVOKED: "enrollments_revoked",
}


def _status_field(status: str) -> str:
    return _STATUS_FIELDS[status]


def _enrollment_moved(enrollment: Enrollment, *, from_status: str | None, from_percent: int, now: datetime) -> None:
    """Move the course's counters after ``enrollment`` changed status or percent."""
    deltas: dict[str, int] = {}
    if from_status != enrollment.status:
        if from_status is not None:
            deltas[_status_field(from_status)] = -1
        deltas[_status_field(enrollment.status)] = deltas.get(_status_field(enrollment.status), 0) + 1
    counted_before = from_percent if from_status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED) else 0
    counted_now = enrollment.progress_percent if enrollment.has_access else 0
    deltas["progress_percent_sum"] = counted_now - counted_before
    recently_active = enrollment.last_activity_at is not None and enrollment.last_activity_at >= now - ACTIVE_WINDOW
    if recently_active and from_status != enrollment.status:
        if from_status == EnrollmentStatus.REVOKED:
            deltas["active_learners_7d"] = 1
        elif enrollment.status == EnrollmentStatus.REVOKED:
            deltas["active_learners_7d"] = -1
    _course_stats_add(enrollment.course_id, **deltas)


def course_stats_refresh(*, course_id: UUID | None = None, now: datetime | None = None) -> int:
    """Recount the aggregates of one course (or of all) exactly from enrollments and progress;
    returns how many courses were counted.

    The aggregate rows are locked before counting (lesson rows first, as progress reports take
    them), so an increment that commits meanwhile is either counted or applied after, never lost.
    """
    now = now or timezone.now()
    courses = Course.objects.all() if course_id is None else Course.objects.filter(pk=course_id)
    course_ids = list(courses.order_by("pk").values_list("pk", flat=True))
    for course_pk in course_ids:
        with atomic("courses"):
            _lesson_stats_recount(
                lesson_ids=list(Lesson.objects.filter(course_id=course_pk).values_list("pk", flat=True)),
                course_id=course_pk,
            )
            CourseStats.objects.get_or_create(course_id=course_pk)
            stats = CourseStats.objects.select_for_update().get(course_id=course_pk)
            with_access = ~Q(status=EnrollmentStatus.REVOKED)
            totals = Enrollment.objects.filter(course_id=course_pk).aggregate(
                active=Count("pk", filter=Q(status=EnrollmentStatus.ACTIVE)),
                completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
                revoked=Count("pk", filter=Q(status=EnrollmentStatus.REVOKED)),
                percent_sum=Coalesce(Sum("progress_percent", filter=with_access), 0),
                recent=Count("pk", filter=with_access & Q(last_activity_at__gte=now - ACTIVE_WINDOW)),
            )
            stats.enrollments_active, stats.enrollments_completed = totals["active"], totals["completed"]
            stats.enrollments_revoked, stats.progress_percent_sum = totals["revoked"], totals["percent_sum"]
            stats.active_learners_7d = totals["recent"]
            stats.save()
    return len(course_ids)


def _lesson_stats_recount(*, lesson_ids: list[UUID], course_id: UUID) -> None:
    LessonStats.objects.bulk_create(
        [LessonStats(lesson_id=lesson_id, course_id=course_id) for lesson_id in lesson_ids], ignore_conflicts=True
    )
    rows = list(LessonStats.objects.select_for_update().filter(lesson_id__in=lesson_ids).order_by("lesson_id"))
    counts = {
        row["lesson_id"]: row
        for row in LessonProgress.objects.filter(lesson_id__in=lesson_ids)
        .values("lesson_id")
        .annotate(started=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
    }
    for row in rows:
        count = counts.get(row.lesson_id, {"started": 0, "completed": 0})
        row.learners_started, row.learners_completed = count["started"], count["completed"]
    LessonStats.objects.bulk_update(rows, ["learners_started", "learners_completed"])
