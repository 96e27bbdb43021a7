"""Authoring: courses, their modules and lessons, in order. Every structure change locks the course
row, replaces the cached structure and, when the lessons that count changed, recounts the learners."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from contexts.courses import events
from contexts.courses.errors import CourseEmptyError, CourseHasEnrollmentsError, FieldsInvalidError, OrderMismatchError
from contexts.courses.models import (
    Course,
    CourseStats,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonKind,
    LessonStats,
    MediaAsset,
    MediaState,
    Module,
)
from contexts.courses.services.enrollments import _enrollments_recount
from contexts.courses.structure import course_structure
from nlc.db.transactions import atomic

_REORDER_OFFSET = 1_000_000
_UNSET: Any = object()

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
    slug_taken = FieldsInvalidError(field_errors={"slug": ["You already have a course with this slug."]})
    with atomic("courses"):
        if course.slug:
            if not _slug_available(coach_id=course.coach_id, slug=course.slug):
                raise slug_taken
        else:
            course.slug = _slug_for(coach_id=course.coach_id, title=course.title)
        try:
            with atomic("courses"):
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
    with atomic("courses"):
        course = _course_lock(course.pk)
        if slug is not None and slug != course.slug:
            if not _slug_available(coach_id=course.coach_id, slug=slug, exclude_id=course.pk):
                raise FieldsInvalidError(field_errors={"slug": ["You already have a course with this slug."]})
            course.slug = slug
        if title is not None:
            course.title = title
        if description is not None:
            course.description = description
        if sequential is not None and sequential != course.sequential:
            course.sequential = sequential
            course.structure_revision = uuid.uuid4()
        course.save()
    return course


def course_publish(*, course: Course) -> Course:
    with atomic("courses"):
        course = _course_lock(course.pk)
        if not Lesson.objects.filter(course=course).exists():
            raise CourseEmptyError()
        if course.status != CourseStatus.PUBLISHED:
            course.status, course.published_at, course.archived_at = CourseStatus.PUBLISHED, timezone.now(), None
            course.save(update_fields=["status", "published_at", "archived_at", "updated_at"])
    return course


def course_archive(*, course: Course) -> Course:
    """Archived: no new enrollments by hand; learners enrolled keep their access."""
    with atomic("courses"):
        course = _course_lock(course.pk)
        if course.status != CourseStatus.ARCHIVED:
            course.status, course.archived_at = CourseStatus.ARCHIVED, timezone.now()
            course.save(update_fields=["status", "archived_at", "updated_at"])
    return course


def course_delete(*, course: Course) -> None:
    with atomic("courses"):
        course = _course_lock(course.pk)
        if Enrollment.objects.filter(course=course).exists():
            raise CourseHasEnrollmentsError()
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
    with atomic("courses"):
        course = _course_lock(course_id)
        CourseStats.objects.get_or_create(course=course)
        for lesson in Lesson.objects.filter(course=course, stats__isnull=True):
            LessonStats.objects.get_or_create(lesson=lesson, defaults={"course": course})
        _structure_changed(course, recount=True)


def _reorder(queryset, ids: list[UUID], *, field: str) -> None:
    current = list(queryset.values_list("id", flat=True))
    if len(ids) != len(set(ids)) or set(ids) != set(current):
        raise OrderMismatchError(field=field, expected=current)
    queryset.update(position=F("position") + _REORDER_OFFSET)
    model = queryset.model
    rows = [model(id=item, position=index) for index, item in enumerate(ids)]
    model.objects.bulk_update(rows, ["position"])


def _drip_validate(*, opens_at: datetime | None, opens_after_days: int | None) -> None:
    if opens_at is not None and opens_after_days is not None:
        message = "Drip either on a date or a number of days after enrollment, not both."
        raise FieldsInvalidError(field_errors={"opens_at": [message], "opens_after_days": [message]})


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
    with atomic("courses"):
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
    with atomic("courses"):
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
    with atomic("courses"):
        course = _course_lock(module.course_id)
        counted = _counted(course)
        Module.objects.filter(pk=module.pk).delete()
        _structure_changed(course, counted_before=counted)


def module_reorder(*, course: Course, module_ids: list[UUID]) -> None:
    with atomic("courses"):
        course = _course_lock(course.pk)
        _reorder(Module.objects.filter(course=course), module_ids, field="module_ids")
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
        raise FieldsInvalidError(field_errors={"media_asset_id": ["This media asset belongs to another coach."]})
    return asset.state, asset.duration_seconds


def _lesson_validate(lesson: Lesson) -> None:
    _drip_validate(opens_at=lesson.opens_at, opens_after_days=lesson.opens_after_days)
    if lesson.kind == LessonKind.TEXT and lesson.media_asset_id is not None:
        raise FieldsInvalidError(field_errors={"media_asset_id": ["A text lesson has no media asset."]})
    if not 1 <= lesson.completion_threshold_percent <= 100:
        raise FieldsInvalidError(field_errors={"completion_threshold_percent": ["Give a percentage from 1 to 100."]})


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
    with atomic("courses"):
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
    with atomic("courses"):
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
                raise FieldsInvalidError(field_errors={"module_id": ["The module belongs to another course."]})
            last = Lesson.objects.filter(module_id=module.pk).aggregate(last=Max("position"))["last"]
            lesson.module_id, lesson.position = module.pk, 0 if last is None else last + 1
        _lesson_validate(lesson)
        lesson.save()
        _structure_changed(course, counted_before=counted)
    return lesson


def lesson_delete(*, lesson: Lesson) -> None:
    with atomic("courses"):
        course = _course_lock(lesson.course_id)
        counted = _counted(course)
        Lesson.objects.filter(pk=lesson.pk).delete()
        _structure_changed(course, counted_before=counted)


def lesson_reorder(*, module: Module, lesson_ids: list[UUID]) -> None:
    with atomic("courses"):
        course = _course_lock(module.course_id)
        _reorder(Lesson.objects.filter(module_id=module.pk), lesson_ids, field="lesson_ids")
        _structure_changed(course)
