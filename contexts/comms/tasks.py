"""Celery tasks of the comms context, on comms' own task queue (settings: CELERY_TASK_ROUTES)."""

from __future__ import annotations

import logging
from uuid import UUID

from celery import shared_task
from django.conf import settings

from contexts.comms import services

logger = logging.getLogger(__name__)


@shared_task(name="comms.message_send", ignore_result=True)
def message_send(message_id: str) -> int:
    """Send the queued message, and up to COMMS_SEND_BATCH_SIZE - 1 other due ones with it (a backlog
    drains in batches; the tasks of messages sent that way find nothing left to do)."""
    outcomes = services.message_send_batch(message_id=UUID(message_id), limit=settings.COMMS_SEND_BATCH_SIZE)
    return len(outcomes)


@shared_task(name="comms.message_send_due", ignore_result=True)
def message_send_due() -> int:
    """Beat's safety net: every message due (lost task, retry due, a send whose worker died)."""
    return services.message_send_due()


@shared_task(name="comms.scheduled_email_send_due", ignore_result=True)
def scheduled_email_send_due() -> int:
    """Beat: queue the messages of every scheduled e-mail that is due (each claimed once)."""
    return services.scheduled_email_send_due()


@shared_task(name="comms.sequence_advance_due", ignore_result=True)
def sequence_advance_due() -> int:
    """Beat: send every sequence step that is due (each run claimed once)."""
    return services.sequence_advance_due()
