"""Celery tasks of the analytics context, on its own task queue (settings: CELERY_TASK_ROUTES)."""

from __future__ import annotations

import logging
from uuid import UUID

from celery import shared_task

from contexts.analytics import services

logger = logging.getLogger(__name__)


@shared_task(name="analytics.coach_rebuild", ignore_result=True)
def coach_rebuild(coach_id: str) -> int:
    """Rebuild one coach partition (its time zone changed): the events it read."""
    return services.coach_rebuild(coach_id=UUID(coach_id)).events


@shared_task(name="analytics.log_fold_due", ignore_result=True)
def log_fold_due() -> int:
    """Beat: fold what a consumer committed but could not fold (it died right after), and announce
    the days whose snapshot waited long enough."""
    return services.log_fold() + services.snapshots_publish_due()
