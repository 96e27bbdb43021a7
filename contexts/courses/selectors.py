"""Reads of the courses context. Coach and admin reads are scoped to the caller (a coach sees only
its own courses, an admin all); learner reads are scoped to the enrollment of the access link.

Hot paths cost a fixed number of queries whatever the size: lists are one page query (plus the
count), and a learner's outline is the enrollment and its progress rows, with the course's
structure from the cache (contexts.courses.structure).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet
from django.utils import timezone

from contexts.courses import prepared, rules
from contexts.courses.data import (
    CourseAggregates,
    LearnerLesson,
    LessonFunnelRow,
    LessonProgressView,
    Outline,
    Playback,
)
from contexts.courses.errors import EnrollmentRequiredError, LessonLockedError
from contexts.courses.models import (
    Coach,
    Course,
    CourseStats,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStats,
    MediaState,
    Module,
    ProgressSnapshot,
)
from contexts.courses.prepared import LessonRow
from contexts.courses.structure import CourseStructure, course_structure
from nlc.api.principal import Principal
from nlc.api.scoping import scope_to_principal
from nlc.db.filters import filter_by, search_by
from nlc.media_links import DOWNLOAD, STREAM, media_link_sign

# --- Coach and admin ---------------------------------------------------------------------------


def coach_get(*, coach_id: UUID) -> Coach | None:
    return Coach.objects.filter(pk=coach_id).first()


def course_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Course]:
    """The courses the principal may see, newest first, each with its lesson count and aggregates."""
    filters = filters or {}
    courses = filter_by(
        scope_to_principal(Course.objects.all(), principal), filters, status="status", coach_id="coach_id"
    )
    courses = search_by(courses, filters.get("search"), "title", "slug")
    return courses.select_related("stats").annotate(lesson_count=Count("lessons")).order_by("-created_at", "-id")


def course_get(*, principal: Principal, course_id: UUID) -> Course | None:
    return scope_to_principal(Course.objects.select_related("stats"), principal).filter(pk=course_id).first()


def module_get(*, principal: Principal, module_id: UUID) -> Module | None:
    return (
        scope_to_principal(Module.objects.select_related("course"), principal, field="course__coach_id")
        .filter(pk=module_id)
        .first()
    )


def lesson_get(*, principal: Principal, lesson_id: UUID) -> Lesson | None:
    return (
        scope_to_principal(Lesson.objects.select_related("course"), principal, field="course__coach_id")
        .filter(pk=lesson_id)
        .first()
    )


def enrollment_list(
    *, principal: Principal, course: Course, filters: dict[str, Any] | None = None
) -> QuerySet[Enrollment]:
    """A course's enrollments with each learner's progress, most recent first."""
    filters = filters or {}
    enrollments = filter_by(
        scope_to_principal(Enrollment.objects.filter(course=course), principal), filters, status="status"
    )
    enrollments = search_by(enrollments, filters.get("search"), "client_email", "client_name")
    return enrollments.order_by("-enrolled_at", "-id")


def enrollment_get(*, principal: Principal, enrollment_id: UUID) -> Enrollment | None:
    return scope_to_principal(Enrollment.objects.select_related("course"), principal).filter(pk=enrollment_id).first()


def snapshot_list(
    *, principal: Principal, enrollment: Enrollment, filters: dict[str, Any] | None = None
) -> QuerySet[ProgressSnapshot]:
    """An enrollment's daily snapshots, oldest first (``since`` and ``until``: days, inclusive)."""
    filters = filters or {}
    snapshots = scope_to_principal(
        ProgressSnapshot.objects.filter(enrollment=enrollment), principal, field="enrollment__coach_id"
    ).order_by("day")
    return filter_by(snapshots, filters, since="day__gte", until="day__lte")


def course_aggregates(*, course: Course) -> CourseAggregates:
    """A course's aggregates and its drop-off funnel: of the learners who completed the lesson
    before (for the first lesson: of every enrollment), the share who did not complete this one."""
    try:
        stats = course.stats  # course_get() joined it
    except CourseStats.DoesNotExist:
        stats = CourseStats(course=course)
    structure = course_structure(course)
    counts = {
        row["lesson_id"]: row
        for row in LessonStats.objects.filter(course=course).values(
            "lesson_id", "learners_started", "learners_completed"
        )
    }
    rows: list[LessonFunnelRow] = []
    base = stats.enrollments_total
    for index, lesson in enumerate(structure.lessons.values()):
        row = counts.get(lesson.id, {"learners_started": 0, "learners_completed": 0})
        completed = row["learners_completed"]
        drop_off = round(100 * max(0, base - completed) / base, 1) if base else 0.0
        rows.append(
            LessonFunnelRow(
                lesson=lesson,
                index=index,
                learners_started=row["learners_started"],
                learners_completed=completed,
                drop_off_percent=drop_off,
            )
        )
        base = completed
    return CourseAggregates(course=course, stats=stats, lessons=rows)


# --- Learners ----------------------------------------------------------------------------------


def enrollment_for_access(*, enrollment_id: UUID) -> Enrollment | None:
    """The enrollment an access link names, with its course (one query, its SQL written once: every
    learner request reads it)."""
    return prepared.enrollment_with_course(enrollment_id)


def progress_by_lesson(*, enrollment: Enrollment) -> dict[UUID, LessonProgressView]:
    rows = LessonProgress.objects.filter(enrollment=enrollment).values_list(
        "lesson_id", "position_seconds", "watched_seconds", "completed_at", "last_reported_at"
    )
    return {row[0]: LessonProgressView(*row[1:]) for row in rows}


def learner_outline(*, enrollment: Enrollment, now: datetime | None = None) -> Outline:
    """What the learner sees of the course: every module and lesson, open or locked (and until
    when), with its own progress. Two queries: the progress rows, and the enrollment before it."""
    structure = course_structure(enrollment.course)
    progress = progress_by_lesson(enrollment=enrollment)
    completed = {lesson_id for lesson_id, view in progress.items() if view.completed}
    modules, lessons = rules.course_availability(
        structure, enrolled_at=enrollment.enrolled_at, completed_lesson_ids=completed, now=now or timezone.now()
    )
    return Outline(enrollment=enrollment, structure=structure, modules=modules, lessons=lessons, progress=progress)


def lesson_availability_for(
    *, enrollment: Enrollment, structure: CourseStructure, lesson_id: UUID, now: datetime
) -> rules.Availability:
    """Whether the learner may open ``lesson_id`` now; reads progress only when a sequence gates it."""
    gating = structure.counted_before(lesson_id) if structure.sequential else []
    completed: set[UUID] = set()
    if gating:
        completed = set(
            LessonProgress.objects.filter(
                enrollment=enrollment, completed_at__isnull=False, lesson_id__in=gating
            ).values_list("lesson_id", flat=True)
        )
    return rules.lesson_availability(
        structure, lesson_id, enrolled_at=enrollment.enrolled_at, completed_lesson_ids=completed, now=now
    )


def lesson_open_check(*, enrollment: Enrollment, structure: CourseStructure, lesson_id: UUID, now: datetime) -> None:
    """Raise LessonLockedError for a lesson of the course that is not open yet."""
    availability = lesson_availability_for(enrollment=enrollment, structure=structure, lesson_id=lesson_id, now=now)
    if not availability.is_open:
        raise LessonLockedError(
            reason=availability.reason, opens_at=availability.opens_at, waiting_for=availability.waiting_for
        )


def learner_lesson(*, enrollment: Enrollment, lesson_id: UUID, now: datetime | None = None) -> LearnerLesson | None:
    """One open lesson of the learner's course with its content and the learner's progress; None for
    a lesson of another course, LessonLockedError for one not open yet."""
    structure = course_structure(enrollment.course)
    if lesson_id not in structure.lessons:
        return None
    lesson_open_check(enrollment=enrollment, structure=structure, lesson_id=lesson_id, now=now or timezone.now())
    # One query, its SQL written once: the lesson, the learner's progress in it (if any) and what the
    # media copy knows of its asset.
    row = prepared.lesson_for_learner(lesson_id=lesson_id, enrollment_id=enrollment.id)
    if row is None:
        raise Lesson.DoesNotExist
    return LearnerLesson(
        lesson=row.lesson,
        progress=row.progress,
        playback=lesson_playback(row=row, enrollment_id=enrollment.id),
    )


VIMEO_PLAYER_URL = "https://player.vimeo.com/video/{external_id}"


def lesson_playback(*, row: LessonRow, enrollment_id: UUID) -> Playback | None:
    """What the learner's player needs for a ready asset (docs/decisions/0006): a Vimeo video's player
    URL (the embed domain allow-list protects it), or a media link signed now for this enrollment, a
    download (works once) for a downloadable lesson, a stream for a local video. None otherwise.

    ``row`` carries the media copy's provider, external id and playback URL. Signing is pure computation.
    """
    lesson = row.lesson
    if lesson.media_asset_id is None or lesson.media_state != MediaState.READY:
        return None
    if lesson.kind == LessonKind.DOWNLOAD:
        return _signed(lesson.media_asset_id, enrollment_id, purpose=DOWNLOAD, type_="download")
    if lesson.kind != LessonKind.VIDEO:
        return None
    provider = row.media_provider
    if provider == "local":
        return _signed(lesson.media_asset_id, enrollment_id, purpose=STREAM, type_="stream")
    player_url, external_id = row.media_playback_url, row.media_external_id
    if provider == "vimeo" and (player_url or external_id):
        return Playback(type="embed", url=player_url or VIMEO_PLAYER_URL.format(external_id=external_id))
    return None


def _signed(asset_id: UUID, enrollment_id: UUID, *, purpose: str, type_: str) -> Playback:
    link = media_link_sign(asset_id=asset_id, enrollment_id=enrollment_id, purpose=purpose)
    return Playback(type=type_, url=link.url, expires_at=link.expires_at)


# --- Public previews ---------------------------------------------------------------------------


def published_course_get(*, course_id: UUID) -> Course | None:
    return Course.objects.filter(pk=course_id, status=CourseStatus.PUBLISHED).first()


def preview_lesson_get(*, course: Course, lesson_id: UUID) -> Lesson | None:
    """A free-preview lesson of ``course``; None for a lesson of another course, EnrollmentRequiredError
    for one that is not a free preview."""
    structure = course_structure(course)
    node = structure.lessons.get(lesson_id)
    if node is None:
        return None
    if not node.is_free_preview:
        raise EnrollmentRequiredError()
    return Lesson.objects.get(pk=lesson_id)
