"""Celery tasks of the notifications context (beat: settings.CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from contexts.notifications import services

logger = logging.getLogger(__name__)


@shared_task(name="notifications.notification_prune", ignore_result=True)  # the name beat's schedule uses
def notification_prune() -> int:
    """Delete read notifications past the retention (NOTIFICATIONS_RETENTION_DAYS)."""
    return services.notification_prune()
