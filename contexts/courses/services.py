"""Writes of the courses context. Each service owns its transaction on the courses alias: the change,
the aggregates it moves and the events it announces commit together or not at all.

Locking, so concurrent writes stay correct and each aggregate's events leave in commit order: a
structure change locks the course row first (positions are computed under it), an enrollment change
locks the enrollment row, and a progress report its lesson-progress row (the course is not locked on
this hot path). Rows are always locked in this order, so writers never deadlock one another:
media asset, course, lesson progress, lesson stats, enrollment, course stats.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.text import slugify

from contexts.courses import events, rules, selectors
from contexts.courses.errors import (
    CourseArchived,
    CourseEmpty,
    CourseHasEnrollments,
    OrderMismatch,
    ProgressInvalid,
    VideoCompletesByWatching,
)
from contexts.courses.models import (
    Coach,
    Course,
    CourseStats,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStats,
    MediaAsset,
    MediaState,
    Module,
    ProgressSnapshot,
    RevokeReason,
)
from contexts.courses.structure import CourseStructure, course_structure
from nlc.clients import client_id_for
from nlc.db.router import alias_for_context

logger = logging.getLogger("contexts.courses")

ACTIVE_WINDOW = timedelta(days=7)
# Positions move out of the way by this much while a reorder is written (positions stay unique).
_REORDER_OFFSET = 1_000_000
_UNSET: Any = object()


def _alias() -> str:
    return alias_for_context("courses")


def _atomic():
    return transaction.atomic(using=_alias())


# --- Copies of other contexts' data ------------------------------------------------------------


def coach_copy_save(*, coach_id: UUID, email: str, first_name: str, last_name: str, created_at: datetime) -> Coach:
    """Keep the local copy of a coach announced by auth (auth.user.created)."""
    with _atomic():
        coach, _ = Coach.objects.update_or_create(
            id=coach_id,
            defaults={"email": email.strip().lower(), "first_name": first_name, "last_name": last_name},
            create_defaults={
                "email": email.strip().lower(),
                "first_name": first_name,
                "last_name": last_name,
                "created_at": created_at,
            },
        )
    return coach


def media_asset_state_apply(
    *,
    asset_id: UUID,
    coach_id: UUID,
    kind: str,
    state: str,
    changed_at: datetime,
    duration_seconds: int | None = None,
) -> int:
    """Record what media says of an asset, and bring every lesson of the coach that uses it along.

    Events older than what is known are ignored, and a deleted asset stays deleted. Returns how many
    lessons changed.
    """
    with _atomic():
        asset = MediaAsset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is not None and (asset.state == MediaState.DELETED or asset.changed_at > changed_at):
            return 0
        if asset is None:
            asset = MediaAsset(id=asset_id, coach_id=coach_id, kind=kind)
        asset.state, asset.changed_at = state, changed_at
        if duration_seconds is not None:
            asset.duration_seconds = duration_seconds
        asset.save()
        changes: dict[str, Any] = {"media_state": state, "updated_at": timezone.now()}
        if duration_seconds is not None:
            changes["duration_seconds"] = duration_seconds
        # Courses first, as every structure change locks them, then their lessons.
        using_it = Lesson.objects.filter(media_asset_id=asset_id).values("course_id")
        courses = Course.objects.select_for_update().filter(coach_id=coach_id, pk__in=using_it).order_by("pk")
        changed = 0
        for course in courses:
            changed += Lesson.objects.filter(course=course, media_asset_id=asset_id).update(**changes)
            _structure_changed(course)
    return changed


# --- Courses -----------------------------------------------------------------------------------


def _slug_available(*, coach_id: UUID, slug: str, exclude_id: UUID | None = None) -> bool:
    taken = Course.objects.filter(coach_id=coach_id, slug=slug)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return not taken.exists()


def _slug_for(*, coach_id: UUID, title: str) -> str:
    base = (slugify(title) or "course")[:90].strip("-") or "course"
    slug, suffix = base, 2
    while not _slug_available(coach_id=coach_id, slug=slug):
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def course_create(
    *, coach_id: UUID, title: str, slug: str | None = None, description: str = "", sequential: bool = False
) -> Course:
    """A new draft course of ``coach_id``; the slug comes from the title unless given."""
    course = Course(coach_id=coach_id, title=title, slug=slug or "", description=description, sequential=sequential)
    return course_save_new(course=course)


def course_save_new(*, course: Course) -> Course:
    """Save a new, unsaved course built elsewhere (the Django admin's add form too): its aggregates
    row is made and courses.course.created published."""
    slug_taken = ValidationError({"slug": ["You already have a course with this slug."]})
    with _atomic():
        if course.slug:
            if not _slug_available(coach_id=course.coach_id, slug=course.slug):
                raise slug_taken
        else:
            course.slug = _slug_for(coach_id=course.coach_id, title=course.title)
        try:
            with transaction.atomic(using=_alias()):
                course.save()
        except IntegrityError as error:  # a concurrent create took the slug
            raise slug_taken from error
        CourseStats.objects.create(course=course)
        events.course_created_publish(course=course)
    return course


def _course_lock(course_id: UUID) -> Course:
    return Course.objects.select_for_update().get(pk=course_id)


def course_update(
    *,
    course: Course,
    title: str | None = None,
    slug: str | None = None,
    description: str | None = None,
    sequential: bool | None = None,
) -> Course:
    with _atomic():
        course = _course_lock(course.pk)
        if slug is not None and slug != course.slug:
            if not _slug_available(coach_id=course.coach_id, slug=slug, exclude_id=course.pk):
                raise ValidationError({"slug": ["You already have a course with this slug."]})
            course.slug = slug
        if title is not None:
            course.title = title
        if description is not None:
            course.description = description
        structure_moved = sequential is not None and sequential != course.sequential
        if structure_moved:
            course.sequential = sequential
            course.structure_revision = uuid.uuid4()
        course.save()
    return course


def course_publish(*, course: Course) -> Course:
    with _atomic():
        course = _course_lock(course.pk)
        if not Lesson.objects.filter(course=course).exists():
            raise CourseEmpty()
        if course.status != CourseStatus.PUBLISHED:
            course.status, course.published_at, course.archived_at = CourseStatus.PUBLISHED, timezone.now(), None
            course.save(update_fields=["status", "published_at", "archived_at", "updated_at"])
    return course


def course_archive(*, course: Course) -> Course:
    """Archived: no new enrollments by hand; learners enrolled keep their access."""
    with _atomic():
        course = _course_lock(course.pk)
        if course.status != CourseStatus.ARCHIVED:
            course.status, course.archived_at = CourseStatus.ARCHIVED, timezone.now()
            course.save(update_fields=["status", "archived_at", "updated_at"])
    return course


def course_delete(*, course: Course) -> None:
    with _atomic():
        course = _course_lock(course.pk)
        if Enrollment.objects.filter(course=course).exists():
            raise CourseHasEnrollments()
        course.delete()


def _structure_changed(course: Course, *, counted_before: frozenset[UUID] | None = None, recount: bool = False) -> None:
    """Call with the course row locked, after its modules or lessons changed: the cached structure
    is replaced, and when the lessons that count changed (``counted_before``: the set before the
    change), the active enrollments are recounted."""
    course.structure_revision = uuid.uuid4()
    Course.objects.filter(pk=course.pk).update(structure_revision=course.structure_revision, updated_at=timezone.now())
    if counted_before is not None and course_structure(course).counted_lesson_ids != counted_before:
        recount = True
    if recount:
        _enrollments_recount(course)


def _counted(course: Course) -> frozenset[UUID]:
    return course_structure(course).counted_lesson_ids


def course_structure_touch(*, course_id: UUID) -> None:
    """For changes made around the services (the Django admin): refresh the structure and the counts."""
    with _atomic():
        course = _course_lock(course_id)
        CourseStats.objects.get_or_create(course=course)
        for lesson in Lesson.objects.filter(course=course, stats__isnull=True):
            LessonStats.objects.get_or_create(lesson=lesson, defaults={"course": course})
        _structure_changed(course, recount=True)


def _reorder(queryset, ids: list[UUID], *, field: str) -> None:
    current = list(queryset.values_list("id", flat=True))
    if len(ids) != len(set(ids)) or set(ids) != set(current):
        raise OrderMismatch(field=field, expected=current)
    queryset.update(position=F("position") + _REORDER_OFFSET)
    model = queryset.model
    rows = [model(id=item, position=index) for index, item in enumerate(ids)]
    model.objects.bulk_update(rows, ["position"])


def _drip_validate(*, opens_at: datetime | None, opens_after_days: int | None) -> None:
    if opens_at is not None and opens_after_days is not None:
        message = "Drip either on a date or a number of days after enrollment, not both."
        raise ValidationError({"opensAt": [message], "opensAfterDays": [message]})


# --- Modules -----------------------------------------------------------------------------------


def module_create(
    *,
    course: Course,
    title: str,
    description: str = "",
    opens_at: datetime | None = None,
    opens_after_days: int | None = None,
) -> Module:
    """A new module at the end of the course."""
    _drip_validate(opens_at=opens_at, opens_after_days=opens_after_days)
    with _atomic():
        course = _course_lock(course.pk)
        last = Module.objects.filter(course=course).aggregate(last=Max("position"))["last"]
        module = Module.objects.create(
            course=course,
            title=title,
            description=description,
            position=0 if last is None else last + 1,
            opens_at=opens_at,
            opens_after_days=opens_after_days,
        )
        _structure_changed(course)
    return module


def module_update(
    *,
    module: Module,
    title: str | None = None,
    description: str | None = None,
    opens_at: datetime | None = _UNSET,
    opens_after_days: int | None = _UNSET,
) -> Module:
    with _atomic():
        course = _course_lock(module.course_id)
        module = Module.objects.get(pk=module.pk)
        if title is not None:
            module.title = title
        if description is not None:
            module.description = description
        if opens_at is not _UNSET:
            module.opens_at = opens_at
        if opens_after_days is not _UNSET:
            module.opens_after_days = opens_after_days
        _drip_validate(opens_at=module.opens_at, opens_after_days=module.opens_after_days)
        module.save()
        _structure_changed(course)
    return module


def module_delete(*, module: Module) -> None:
    """Delete a module with its lessons (and the progress in them)."""
    with _atomic():
        course = _course_lock(module.course_id)
        counted = _counted(course)
        Module.objects.filter(pk=module.pk).delete()
        _structure_changed(course, counted_before=counted)


def modules_reorder(*, course: Course, module_ids: list[UUID]) -> None:
    with _atomic():
        course = _course_lock(course.pk)
        _reorder(Module.objects.filter(course=course), module_ids, field="moduleIds")
        _structure_changed(course)


# --- Lessons -----------------------------------------------------------------------------------


def _media_state_for(*, asset_id: UUID | None, coach_id: UUID) -> tuple[str, int | None]:
    """A lesson's media state when it picks up ``asset_id``, from what media already announced."""
    if asset_id is None:
        return "", None
    asset = MediaAsset.objects.filter(pk=asset_id).first()
    if asset is None:
        return MediaState.PENDING, None
    if asset.coach_id != coach_id:
        raise ValidationError({"mediaAssetId": ["This media asset belongs to another coach."]})
    return asset.state, asset.duration_seconds


def _lesson_validate(lesson: Lesson) -> None:
    _drip_validate(opens_at=lesson.opens_at, opens_after_days=lesson.opens_after_days)
    if lesson.kind == LessonKind.TEXT and lesson.media_asset_id is not None:
        raise ValidationError({"mediaAssetId": ["A text lesson has no media asset."]})
    if not 1 <= lesson.completion_threshold_percent <= 100:
        raise ValidationError({"completionThresholdPercent": ["Give a percentage from 1 to 100."]})


def lesson_create(
    *,
    module: Module,
    title: str,
    kind: str,
    body: str = "",
    media_asset_id: UUID | None = None,
    duration_seconds: int | None = None,
    file_name: str = "",
    completion_threshold_percent: int | None = None,
    is_required: bool = True,
    is_free_preview: bool = False,
    opens_at: datetime | None = None,
    opens_after_days: int | None = None,
) -> Lesson:
    """A new lesson at the end of ``module``."""
    with _atomic():
        course = _course_lock(module.course_id)
        counted = _counted(course)
        state, known_duration = _media_state_for(asset_id=media_asset_id, coach_id=course.coach_id)
        last = Lesson.objects.filter(module_id=module.pk).aggregate(last=Max("position"))["last"]
        lesson = Lesson(
            course=course,
            module_id=module.pk,
            title=title,
            kind=kind,
            position=0 if last is None else last + 1,
            body=body,
            media_asset_id=media_asset_id,
            media_state=state,
            duration_seconds=known_duration if known_duration is not None else duration_seconds,
            file_name=file_name,
            completion_threshold_percent=completion_threshold_percent or settings.COURSES["VIDEO_COMPLETION_PERCENT"],
            is_required=is_required,
            is_free_preview=is_free_preview,
            opens_at=opens_at,
            opens_after_days=opens_after_days,
        )
        _lesson_validate(lesson)
        lesson.save()
        LessonStats.objects.create(lesson=lesson, course=course)
        _structure_changed(course, counted_before=counted)
    return lesson


_LESSON_FIELDS = (
    "title",
    "kind",
    "body",
    "duration_seconds",
    "file_name",
    "completion_threshold_percent",
    "is_required",
    "is_free_preview",
    "opens_at",
    "opens_after_days",
)


def lesson_update(*, lesson: Lesson, module: Module | None = None, **changes: Any) -> Lesson:
    """Change a lesson's fields (any of ``_LESSON_FIELDS`` and ``media_asset_id``); a ``module`` of the
    same course moves it to that module's end."""
    unknown = set(changes) - {*_LESSON_FIELDS, "media_asset_id"}
    if unknown:
        raise TypeError(f"lesson_update() got unknown fields {sorted(unknown)}")
    with _atomic():
        course = _course_lock(lesson.course_id)
        counted = _counted(course)
        lesson = Lesson.objects.get(pk=lesson.pk)
        for field in _LESSON_FIELDS:
            if field in changes:
                setattr(lesson, field, changes[field])
        if "media_asset_id" in changes and changes["media_asset_id"] != lesson.media_asset_id:
            lesson.media_asset_id = changes["media_asset_id"]
            lesson.media_state, known_duration = _media_state_for(
                asset_id=lesson.media_asset_id, coach_id=course.coach_id
            )
            if known_duration is not None:
                lesson.duration_seconds = known_duration
        if module is not None and module.pk != lesson.module_id:
            if module.course_id != course.pk:
                raise ValidationError({"moduleId": ["The module belongs to another course."]})
            last = Lesson.objects.filter(module_id=module.pk).aggregate(last=Max("position"))["last"]
            lesson.module_id, lesson.position = module.pk, 0 if last is None else last + 1
        _lesson_validate(lesson)
        lesson.save()
        _structure_changed(course, counted_before=counted)
    return lesson


def lesson_delete(*, lesson: Lesson) -> None:
    with _atomic():
        course = _course_lock(lesson.course_id)
        counted = _counted(course)
        Lesson.objects.filter(pk=lesson.pk).delete()
        _structure_changed(course, counted_before=counted)


def lessons_reorder(*, module: Module, lesson_ids: list[UUID]) -> None:
    with _atomic():
        course = _course_lock(module.course_id)
        _reorder(Lesson.objects.filter(module_id=module.pk), lesson_ids, field="lessonIds")
        _structure_changed(course)


# --- Aggregates --------------------------------------------------------------------------------


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


def _status_field(status: str) -> str:
    return {
        EnrollmentStatus.ACTIVE: "enrollments_active",
        EnrollmentStatus.COMPLETED: "enrollments_completed",
        EnrollmentStatus.REVOKED: "enrollments_revoked",
    }[status]


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
        with _atomic():
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


# --- Enrollments -------------------------------------------------------------------------------


def _counted_completed(enrollment_id: UUID, structure: CourseStructure) -> int:
    return LessonProgress.objects.filter(
        enrollment_id=enrollment_id, completed_at__isnull=False, lesson_id__in=structure.counted_lesson_ids
    ).count()


def _progress_apply(enrollment: Enrollment, *, completed: int, total: int) -> None:
    enrollment.counted_lessons_completed, enrollment.counted_lessons_total = completed, total
    enrollment.progress_percent = rules.course_percent(completed=completed, total=total)


def _completion_check(enrollment: Enrollment, course: Course, *, now: datetime) -> bool:
    """Complete an active enrollment whose counted lessons are all done; True when it did now."""
    if enrollment.status != EnrollmentStatus.ACTIVE:
        return False
    if not rules.course_is_complete(
        completed=enrollment.counted_lessons_completed, total=enrollment.counted_lessons_total
    ):
        return False
    enrollment.status, enrollment.completed_at = EnrollmentStatus.COMPLETED, now
    return True


@dataclass(frozen=True)
class EnrollmentResult:
    enrollment: Enrollment
    created: bool  # a new enrollment, or a revoked one given access again


def _enroll(
    *,
    course: Course,
    client_id: UUID,
    email: str,
    name: str,
    source: str,
    transaction_id: UUID | None,
) -> EnrollmentResult:
    """Enroll a client, or give a revoked enrollment access again; an enrollment with access is left
    as it is. Runs inside the caller's transaction."""
    now = timezone.now()
    existing = Enrollment.objects.select_for_update().filter(course=course, client_id=client_id).first()
    if existing is not None and existing.has_access:
        return EnrollmentResult(existing, created=False)
    structure = course_structure(course)
    if existing is None:
        enrollment = Enrollment(
            course=course,
            coach_id=course.coach_id,
            client_id=client_id,
            client_email=email,
            client_name=name,
            source=source,
            transaction_id=transaction_id,
            enrolled_at=now,
        )
        from_status, from_percent = None, 0
        _progress_apply(enrollment, completed=0, total=structure.counted_total)
    else:
        # Access again after a refund or a revocation: a fresh enrollment date (drip starts over),
        # the progress made before is kept, and a new access link (the old one stays dead).
        enrollment, from_status, from_percent = existing, existing.status, existing.progress_percent
        enrollment.status, enrollment.source, enrollment.transaction_id = (
            EnrollmentStatus.ACTIVE,
            source,
            transaction_id,
        )
        enrollment.client_email, enrollment.client_name = email, name or enrollment.client_name
        enrollment.enrolled_at, enrollment.revoked_at, enrollment.revoked_reason = now, None, ""
        enrollment.completed_at = None
        enrollment.access_version += 1
        _progress_apply(
            enrollment, completed=_counted_completed(enrollment.pk, structure), total=structure.counted_total
        )
    completed_now = _completion_check(enrollment, course, now=now)
    enrollment.save()
    _enrollment_moved(enrollment, from_status=from_status, from_percent=from_percent, now=now)
    events.enrollment_created_publish(enrollment=enrollment, course=course)
    if completed_now:
        events.enrollment_completed_publish(enrollment=enrollment, course=course)
    return EnrollmentResult(enrollment, created=True)


def enrollment_grant(*, course: Course, email: str, name: str = "") -> EnrollmentResult:
    """The coach enrolls a client by hand (or gives a revoked one access again)."""
    email = email.strip().lower()
    with _atomic():
        course = _course_lock(course.pk)
        if course.status == CourseStatus.ARCHIVED:
            raise CourseArchived()
        return _enroll(
            course=course,
            client_id=client_id_for(coach_id=course.coach_id, email=email),
            email=email,
            name=name.strip(),
            source=EnrollmentSource.MANUAL,
            transaction_id=None,
        )


class PurchaseForUnknownCourse(Exception):
    """A course purchase names a course that is not the coach's: money was taken, nobody enrolled."""


def enrollment_create_from_payment(
    *,
    transaction_id: UUID,
    coach_id: UUID,
    course_id: UUID,
    client_id: UUID | None,
    client_email: str,
    client_name: str,
) -> EnrollmentResult:
    """Enroll the buyer of a course (billing.payment.completed). The same payment never enrolls
    twice, and a second payment of the same client for the same course finds its enrollment."""
    email = client_email.strip().lower()
    with _atomic():
        already = Enrollment.objects.filter(transaction_id=transaction_id).first()
        if already is not None:
            return EnrollmentResult(already, created=False)
        course = Course.objects.select_for_update().filter(pk=course_id, coach_id=coach_id).first()
        if course is None:
            raise PurchaseForUnknownCourse(f"course {course_id} of coach {coach_id} does not exist")
        derived = client_id_for(coach_id=coach_id, email=email)
        if client_id is not None and client_id != derived:
            logger.warning(
                "payment names another client id than the one derived from its e-mail",
                extra={"transaction_id": str(transaction_id), "client_id": str(client_id), "derived": str(derived)},
            )
        return _enroll(
            course=course,
            client_id=client_id or derived,
            email=email,
            name=(client_name or "").strip()[:200],
            source=EnrollmentSource.PURCHASE,
            transaction_id=transaction_id,
        )


def _revoke(enrollment: Enrollment, *, reason: str, now: datetime) -> bool:
    """Revoke a locked enrollment; every access link of it stops working at once."""
    if enrollment.status == EnrollmentStatus.REVOKED:
        return False
    from_status, from_percent = enrollment.status, enrollment.progress_percent
    enrollment.status, enrollment.revoked_at, enrollment.revoked_reason = EnrollmentStatus.REVOKED, now, reason
    enrollment.access_version += 1
    enrollment.save(update_fields=["status", "revoked_at", "revoked_reason", "access_version", "updated_at"])
    _enrollment_moved(enrollment, from_status=from_status, from_percent=from_percent, now=now)
    return True


def enrollment_revoke(*, enrollment: Enrollment) -> Enrollment:
    """The coach withdraws access (a revoked enrollment stays revoked; granting again restores it)."""
    with _atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        _revoke(enrollment, reason=RevokeReason.COACH, now=timezone.now())
    return enrollment


def enrollment_revoke_for_refund(*, transaction_id: UUID) -> Enrollment | None:
    """A course purchase was refunded in full (billing.payment.refunded): the enrollment it paid for
    loses access. A refund of a payment that gives no access now (a duplicate payment) changes nothing."""
    with _atomic():
        enrollment = Enrollment.objects.select_for_update().filter(transaction_id=transaction_id).first()
        if enrollment is None:
            return None
        _revoke(enrollment, reason=RevokeReason.REFUND, now=timezone.now())
    return enrollment


def enrollment_access_link_renew(*, enrollment: Enrollment) -> Enrollment:
    """A new access link for an enrollment (say the old one leaked): every earlier link stops working."""
    with _atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.has_access:
            enrollment.access_version += 1
            enrollment.save(update_fields=["access_version", "updated_at"])
    return enrollment


def _enrollments_recount(course: Course) -> None:
    """After the counted lessons changed: each active enrollment's counts, percent and completion
    follow, with progress.updated for a percent that moved (no lesson caused it: lessonId null)."""
    now = timezone.now()
    structure = course_structure(course)
    enrollments = list(Enrollment.objects.select_for_update().filter(course=course, status=EnrollmentStatus.ACTIVE))
    if not enrollments:
        return
    done = dict(
        LessonProgress.objects.filter(
            enrollment__in=[enrollment.pk for enrollment in enrollments],
            completed_at__isnull=False,
            lesson_id__in=structure.counted_lesson_ids,
        )
        .values("enrollment_id")
        .annotate(done=Count("pk"))
        .values_list("enrollment_id", "done")
    )
    changed = []
    for enrollment in enrollments:
        before = (enrollment.counted_lessons_completed, enrollment.counted_lessons_total, enrollment.progress_percent)
        _progress_apply(enrollment, completed=done.get(enrollment.pk, 0), total=structure.counted_total)
        if before == (
            enrollment.counted_lessons_completed,
            enrollment.counted_lessons_total,
            enrollment.progress_percent,
        ):
            continue
        completed_now = _completion_check(enrollment, course, now=now)
        changed.append(enrollment)
        _enrollment_moved(enrollment, from_status=EnrollmentStatus.ACTIVE, from_percent=before[2], now=now)
        if enrollment.progress_percent != before[2]:
            events.progress_updated_publish(enrollment=enrollment, lesson_id=None, updated_at=now)
        if completed_now:
            events.enrollment_completed_publish(enrollment=enrollment, course=course)
    Enrollment.objects.bulk_update(
        changed,
        ["counted_lessons_completed", "counted_lessons_total", "progress_percent", "status", "completed_at"],
    )


# --- Progress ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressReport:
    """What a learner's player reports for one lesson."""

    position_seconds: float | None = None
    watched_from_seconds: float | None = None
    completed: bool = False


@dataclass(frozen=True)
class ProgressRecorded:
    progress: LessonProgress
    enrollment: Enrollment
    lesson_completed_now: bool


def lesson_progress_record(
    *, enrollment: Enrollment, lesson_id: UUID, report: ProgressReport, now: datetime | None = None
) -> ProgressRecorded:
    """Record a learner's progress in an open lesson of its course.

    A video moves by positions: ``position_seconds`` is where to resume, and with
    ``watched_from_seconds`` the seconds from there to the position count as watched (as a union, so
    a rewatch adds nothing; a report cannot claim more than could have played since the previous
    one). The video completes once its threshold of watched seconds is reached. Text and
    downloadable lessons complete with ``completed``. A completion publishes progress.updated (and
    enrollment.completed with the last counted lesson); other reports publish nothing.
    """
    now = now or timezone.now()
    course = enrollment.course
    structure = course_structure(course)
    selectors.lesson_open_check(enrollment=enrollment, structure=structure, lesson_id=lesson_id, now=now)
    lesson = structure.lessons[lesson_id]
    position, watched_from = _report_validate(lesson, report)
    with _atomic():
        progress = _lesson_progress_locked(enrollment, lesson_id)
        created = progress is None
        if created:
            progress = LessonProgress(enrollment=enrollment, lesson_id=lesson_id, started_at=now, last_reported_at=now)
            completed_now = _report_apply(progress, lesson, position, watched_from, report.completed, now=now)
            try:
                with transaction.atomic(using=_alias()):
                    progress.save(force_insert=True)
            except IntegrityError:  # a concurrent first report made the row: apply to it instead
                progress, created = _lesson_progress_locked(enrollment, lesson_id), False
        if not created:
            completed_now = _report_apply(progress, lesson, position, watched_from, report.completed, now=now)
            progress.save(update_fields=_PROGRESS_FIELDS)
        if created:
            _lesson_stats_add(lesson_id, learners_started=1, learners_completed=int(completed_now))
        elif completed_now:
            _lesson_stats_add(lesson_id, learners_completed=1)
        if completed_now:
            enrollment = _lesson_completion_count(enrollment, course, structure, lesson_id, now=now)
        _activity_touch(enrollment, now=now)
    return ProgressRecorded(progress=progress, enrollment=enrollment, lesson_completed_now=completed_now)


def _report_validate(lesson, report: ProgressReport) -> tuple[int | None, int | None]:
    """(position, watched from) in whole seconds, within the video's duration when it is known."""
    if lesson.kind != LessonKind.VIDEO:
        if report.position_seconds is not None or report.watched_from_seconds is not None:
            raise ProgressInvalid(
                "Only a video lesson has a position.", field_errors={"positionSeconds": ["Only for video lessons."]}
            )
        if not report.completed:
            raise ProgressInvalid(
                "Mark this lesson completed.", field_errors={"completed": ["Send true to complete this lesson."]}
            )
        return None, None
    if report.completed:
        raise VideoCompletesByWatching()
    if report.position_seconds is None:
        raise ProgressInvalid(
            "A video report needs positionSeconds.", field_errors={"positionSeconds": ["This field is required."]}
        )
    position = int(report.position_seconds)
    watched_from = int(report.watched_from_seconds) if report.watched_from_seconds is not None else None
    if lesson.duration_seconds:
        position = min(position, lesson.duration_seconds)
        watched_from = min(watched_from, lesson.duration_seconds) if watched_from is not None else None
    if watched_from is not None and watched_from > position:
        raise ProgressInvalid(
            "watchedFromSeconds must not be after positionSeconds.",
            field_errors={"watchedFromSeconds": ["Must not be after positionSeconds."]},
        )
    return position, watched_from


_PROGRESS_FIELDS = ["position_seconds", "watched_ranges", "watched_seconds", "completed_at", "last_reported_at"]


def _lesson_progress_locked(enrollment: Enrollment, lesson_id: UUID) -> LessonProgress | None:
    try:
        return LessonProgress.objects.select_for_update().get(enrollment=enrollment, lesson_id=lesson_id)
    except LessonProgress.DoesNotExist:
        return None


def _report_apply(
    progress: LessonProgress,
    lesson,
    position: int | None,
    watched_from: int | None,
    completed: bool,
    *,
    now: datetime,
) -> bool:
    """Apply one report to ``progress``; True when it completes the lesson now."""
    was_complete = progress.completed_at is not None
    if position is not None:
        if watched_from is not None:
            allowance = rules.watch_allowance_seconds(
                since_last_report=now - progress.last_reported_at,
                max_playback_rate=settings.COURSES["MAX_PLAYBACK_RATE"],
                grace_seconds=settings.COURSES["WATCH_GRACE_SECONDS"],
            )
            start = max(watched_from, position - allowance)
            progress.watched_ranges = rules.ranges_add(progress.watched_ranges, start, position)
            progress.watched_seconds = rules.ranges_total(progress.watched_ranges)
        progress.position_seconds = position
    if not was_complete:
        if lesson.kind == LessonKind.VIDEO:
            needed = rules.video_seconds_to_complete(
                duration_seconds=lesson.duration_seconds, threshold_percent=lesson.completion_threshold_percent
            )
            if needed is not None and progress.watched_seconds >= needed:
                progress.completed_at = now
        elif completed:
            progress.completed_at = now
    progress.last_reported_at = now
    return not was_complete and progress.completed_at is not None


def _lesson_completion_count(
    enrollment: Enrollment, course: Course, structure: CourseStructure, lesson_id: UUID, *, now: datetime
) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    from_status, from_percent = enrollment.status, enrollment.progress_percent
    _progress_apply(enrollment, completed=_counted_completed(enrollment.pk, structure), total=structure.counted_total)
    completed_now = _completion_check(enrollment, course, now=now)
    enrollment.save(
        update_fields=[
            "counted_lessons_completed",
            "counted_lessons_total",
            "progress_percent",
            "status",
            "completed_at",
            "updated_at",
        ]
    )
    _enrollment_moved(enrollment, from_status=from_status, from_percent=from_percent, now=now)
    events.progress_updated_publish(enrollment=enrollment, lesson_id=lesson_id, updated_at=now)
    if completed_now:
        events.enrollment_completed_publish(enrollment=enrollment, course=course)
    enrollment.course = course
    return enrollment


def _activity_touch(enrollment: Enrollment, *, now: datetime) -> None:
    """Note the learner's activity (at most every ACTIVITY_RESOLUTION_SECONDS); a learner who comes
    back after a week counts again among the course's active learners."""
    last = enrollment.last_activity_at
    resolution = timedelta(seconds=settings.COURSES["ACTIVITY_RESOLUTION_SECONDS"])
    if last is not None and last > now - resolution:
        return
    rows = Enrollment.objects.filter(pk=enrollment.pk)
    returning = last is None or last < now - ACTIVE_WINDOW
    if returning:
        # Conditional, so two concurrent reports count the comeback once.
        touched = rows.filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=now - ACTIVE_WINDOW)).update(
            last_activity_at=now
        )
        if touched:
            _course_stats_add(enrollment.course_id, active_learners_7d=1)
    else:
        rows.filter(last_activity_at__lt=now - resolution).update(last_activity_at=now)
    enrollment.last_activity_at = now


# --- Snapshots ---------------------------------------------------------------------------------


def progress_snapshot_take(*, day: date | None = None, batch_size: int = 1000) -> int:
    """One snapshot per active enrollment for ``day`` (today, UTC), and the course aggregates
    recounted. Running it again the same day adds nothing; returns how many snapshots were added."""
    now = timezone.now()
    day = day or now.date()
    added, after = 0, None
    active = (
        Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "course_id", "progress_percent", "counted_lessons_completed", "counted_lessons_total")
    )
    while True:
        page = list((active if after is None else active.filter(pk__gt=after))[:batch_size])
        if not page:
            break
        batch = [
            ProgressSnapshot(
                enrollment_id=enrollment_id,
                course_id=course_id,
                day=day,
                progress_percent=percent,
                counted_lessons_completed=completed,
                counted_lessons_total=total,
                taken_at=now,
            )
            for enrollment_id, course_id, percent, completed, total in page
        ]
        added += _snapshots_save(batch, day)
        after = page[-1][0]
    course_stats_refresh(now=now)
    return added


def _snapshots_save(batch: list[ProgressSnapshot], day: date) -> int:
    with _atomic():
        existing = set(
            ProgressSnapshot.objects.filter(
                day=day, enrollment_id__in=[snapshot.enrollment_id for snapshot in batch]
            ).values_list("enrollment_id", flat=True)
        )
        fresh = [snapshot for snapshot in batch if snapshot.enrollment_id not in existing]
        ProgressSnapshot.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)
