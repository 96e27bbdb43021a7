"""A learner's progress in a lesson: video by watched seconds, text and downloads by a click."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from contexts.courses import events, rules, selectors
from contexts.courses.data import ProgressRecorded, ProgressReport
from contexts.courses.errors import LessonHasNoVideoError, ProgressInvalidError, VideoCompletesByWatchingError
from contexts.courses.models import Course, Enrollment, LessonKind, LessonProgress
from contexts.courses.services.counters import ACTIVE_WINDOW, _course_stats_add, _enrollment_moved, _lesson_stats_add
from contexts.courses.services.enrollments import _completion_check, _counted_completed, _progress_apply
from contexts.courses.structure import CourseStructure, course_structure
from nlc.db.transactions import atomic
from nlc.errors import NotFoundError


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
    if lesson_id not in structure.lessons:  # a lesson of another course
        raise NotFoundError.of("lesson")
    selectors.lesson_open_check(enrollment=enrollment, structure=structure, lesson_id=lesson_id, now=now)
    lesson = structure.lessons[lesson_id]
    position, watched_from = _report_validate(lesson, report)
    with atomic("courses"):
        progress = _lesson_progress_locked(enrollment, lesson_id)
        created = progress is None
        if progress is None:
            progress = LessonProgress(enrollment=enrollment, lesson_id=lesson_id, started_at=now, last_reported_at=now)
            completed_now = _report_apply(progress, lesson, position, watched_from, report.completed, now=now)
            try:
                with atomic("courses"):
                    progress.save(force_insert=True)
            except IntegrityError:  # a concurrent first report made the row: apply to it instead
                progress = LessonProgress.objects.select_for_update().get(enrollment=enrollment, lesson_id=lesson_id)
                created = False
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


def lesson_playback_record(
    *,
    enrollment: Enrollment,
    lesson_id: UUID,
    started: bool,
    seconds_watched: int,
    now: datetime | None = None,
) -> None:
    """Announce a learner's playback of an open video lesson (progress.updated with the lesson's
    asset): a play started, or ``seconds_watched`` since the learner's last report for this lesson.
    Media counts its assets' usage from it; the learner's progress is unchanged."""
    now = now or timezone.now()
    structure = course_structure(enrollment.course)
    if lesson_id not in structure.lessons:  # a lesson of another course
        raise NotFoundError.of("lesson")
    selectors.lesson_open_check(enrollment=enrollment, structure=structure, lesson_id=lesson_id, now=now)
    lesson = structure.lessons[lesson_id]
    if lesson.kind != LessonKind.VIDEO or lesson.media_asset_id is None:
        raise LessonHasNoVideoError()
    with atomic("courses"):
        locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        events.progress_updated_publish(
            enrollment=locked,
            lesson_id=lesson_id,
            updated_at=now,
            asset_id=lesson.media_asset_id,
            play_started=started,
            seconds_watched=seconds_watched,
        )
        locked.course = enrollment.course
        _activity_touch(locked, now=now)


def _report_validate(lesson, report: ProgressReport) -> tuple[int | None, int | None]:
    """(position, watched from) in whole seconds, within the video's duration when it is known."""
    if lesson.kind != LessonKind.VIDEO:
        if report.position_seconds is not None or report.watched_from_seconds is not None:
            raise ProgressInvalidError(
                "Only a video lesson has a position.", field_errors={"position_seconds": ["Only for video lessons."]}
            )
        if not report.completed:
            raise ProgressInvalidError(
                "Mark this lesson completed.", field_errors={"completed": ["Send true to complete this lesson."]}
            )
        return None, None
    if report.completed:
        raise VideoCompletesByWatchingError()
    if report.position_seconds is None:
        raise ProgressInvalidError(
            "A video report needs positionSeconds.", field_errors={"position_seconds": ["This field is required."]}
        )
    position = int(report.position_seconds)
    watched_from = int(report.watched_from_seconds) if report.watched_from_seconds is not None else None
    if lesson.duration_seconds:
        position = min(position, lesson.duration_seconds)
        watched_from = min(watched_from, lesson.duration_seconds) if watched_from is not None else None
    if watched_from is not None and watched_from > position:
        raise ProgressInvalidError(
            "watchedFromSeconds must not be after positionSeconds.",
            field_errors={"watched_from_seconds": ["Must not be after positionSeconds."]},
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
    events.progress_updated_publish(
        enrollment=enrollment,
        lesson_id=lesson_id,
        updated_at=now,
        asset_id=structure.lessons[lesson_id].media_asset_id,
        lesson_completed=True,
    )
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
