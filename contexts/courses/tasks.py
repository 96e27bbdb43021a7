"""Celery tasks of the courses context (beat: settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from contexts.courses import services


@shared_task(name="courses.progress_snapshot_take")
def progress_snapshot_take(day: str | None = None) -> int:
    """The daily snapshot of every active enrollment's progress (and the aggregates recounted)."""
    return services.progress_snapshot_take(day=date.fromisoformat(day) if day else None)
