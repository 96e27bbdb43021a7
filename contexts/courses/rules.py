"""The course rules as pure functions: what is open when, what counts as watched, when a lesson and
a course are complete. No database here: services and selectors feed them and store the results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from contexts.courses.structure import CourseStructure, LessonNode

LOCKED_BY_DRIP = "drip"
LOCKED_BY_SEQUENCE = "sequential"

# --- Availability ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    """Whether an item is open; a locked one says why, and when it opens if a date is known
    (``opens_at``), or which lesson must be completed first (``waiting_for``)."""

    is_open: bool
    reason: str | None = None
    opens_at: datetime | None = None
    waiting_for: UUID | None = None


OPEN = Availability(is_open=True)


def drip_opens_at(*, opens_at: datetime | None, opens_after_days: int | None, enrolled_at: datetime) -> datetime | None:
    """When a dripped item opens for a learner enrolled at ``enrolled_at``; None when it does not drip."""
    if opens_at is not None:
        return opens_at
    if opens_after_days is not None:
        return enrolled_at + timedelta(days=opens_after_days)
    return None


def course_availability(
    structure: CourseStructure, *, enrolled_at: datetime, completed_lesson_ids: set[UUID], now: datetime
) -> tuple[dict[UUID, Availability], dict[UUID, Availability]]:
    """(modules, lessons) -> Availability, for one learner at ``now``.

    A lesson opens when its module's and its own drip dates have passed; in a sequential course also
    only when every counted lesson before it is complete. Free previews are always open.
    """
    modules: dict[UUID, Availability] = {}
    lessons: dict[UUID, Availability] = {}
    first_incomplete: UUID | None = None  # the first counted lesson (in course order) not completed
    for module in structure.modules:
        module_opens_at = drip_opens_at(
            opens_at=module.opens_at, opens_after_days=module.opens_after_days, enrolled_at=enrolled_at
        )
        module_open = module_opens_at is None or module_opens_at <= now
        modules[module.id] = OPEN if module_open else Availability(False, LOCKED_BY_DRIP, module_opens_at)
        for lesson_id in module.lesson_ids:
            lesson = structure.lessons[lesson_id]
            lessons[lesson_id] = _lesson_availability(
                structure, lesson, module_opens_at, enrolled_at=enrolled_at, first_incomplete=first_incomplete, now=now
            )
            counted = lesson_id in structure.counted_lesson_ids
            if first_incomplete is None and counted and lesson_id not in completed_lesson_ids:
                first_incomplete = lesson_id
    return modules, lessons


def _lesson_availability(
    structure: CourseStructure,
    lesson: LessonNode,
    module_opens_at: datetime | None,
    *,
    enrolled_at: datetime,
    first_incomplete: UUID | None,
    now: datetime,
) -> Availability:
    if lesson.is_free_preview:
        return OPEN
    own = drip_opens_at(opens_at=lesson.opens_at, opens_after_days=lesson.opens_after_days, enrolled_at=enrolled_at)
    dates = [moment for moment in (module_opens_at, own) if moment is not None]
    opens_at = max(dates) if dates else None
    if opens_at is not None and opens_at > now:
        return Availability(False, LOCKED_BY_DRIP, opens_at)
    if structure.sequential and first_incomplete is not None:
        return Availability(False, LOCKED_BY_SEQUENCE, None, first_incomplete)
    return OPEN


def lesson_availability(
    structure: CourseStructure,
    lesson_id: UUID,
    *,
    enrolled_at: datetime,
    completed_lesson_ids: set[UUID],
    now: datetime,
) -> Availability:
    _, lessons = course_availability(
        structure, enrolled_at=enrolled_at, completed_lesson_ids=completed_lesson_ids, now=now
    )
    return lessons[lesson_id]


# --- Watching ----------------------------------------------------------------------------------

Ranges = list[list[int]]


def ranges_add(ranges: Ranges, start: int, end: int) -> Ranges:
    """The union of ``ranges`` (sorted, disjoint ``[start, end)`` pairs) and ``[start, end)``,
    merged so touching or overlapping pairs become one."""
    if end <= start:
        return [list(pair) for pair in ranges]
    merged: Ranges = []
    placed = False
    for low, high in ranges:
        if high < start:
            merged.append([low, high])
        elif low > end:
            if not placed:
                merged.append([start, end])
                placed = True
            merged.append([low, high])
        else:
            start, end = min(start, low), max(end, high)
    if not placed:
        merged.append([start, end])
    return merged


def ranges_total(ranges: Ranges) -> int:
    return sum(high - low for low, high in ranges)


def watch_allowance_seconds(*, since_last_report: timedelta, max_playback_rate: float, grace_seconds: int) -> int:
    """How many seconds one report may add: no more than could have played since the last one."""
    return int(max(0.0, since_last_report.total_seconds()) * max_playback_rate) + grace_seconds


def video_seconds_to_complete(*, duration_seconds: int | None, threshold_percent: int) -> int | None:
    """Watched seconds that complete a video; None while its duration is unknown."""
    if not duration_seconds:
        return None
    return max(1, math.ceil(duration_seconds * threshold_percent / 100))


def lesson_percent(*, watched_seconds: int, duration_seconds: int | None, completed: bool) -> int:
    if completed:
        return 100
    if not duration_seconds:
        return 0
    return min(99, watched_seconds * 100 // duration_seconds)


# --- Courses -----------------------------------------------------------------------------------


def course_percent(*, completed: int, total: int) -> int:
    """Share of the counted lessons completed, rounded down: 100 only when all are."""
    if total <= 0:
        return 0
    return min(100, completed * 100 // total)


def course_is_complete(*, completed: int, total: int) -> bool:
    return total > 0 and completed >= total
