"""The daily progress snapshot of every active enrollment."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from contexts.courses.models import Enrollment, EnrollmentStatus, ProgressSnapshot
from contexts.courses.services.counters import course_stats_refresh
from nlc.db.transactions import atomic


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
    with atomic("courses"):
        existing = set(
            ProgressSnapshot.objects.filter(
                day=day, enrollment_id__in=[snapshot.enrollment_id for snapshot in batch]
            ).values_list("enrollment_id", flat=True)
        )
        fresh = [snapshot for snapshot in batch if snapshot.enrollment_id not in existing]
        ProgressSnapshot.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)
