"""Celery tasks of the integrations context: load by id, call a service. Enqueued on commit."""

from __future__ import annotations

from celery import shared_task

from contexts.integrations import services


@shared_task(name=services.WEBHOOK_HAND_OFF_RETRY_TASK, ignore_result=True)
def webhook_hand_off_retry(webhook_event_id: str) -> None:
    """Another attempt at handing a webhook off (scheduled with its backoff as the countdown)."""
    services.webhook_hand_off(webhook_event_id=webhook_event_id)


@shared_task(name="integrations.webhooks_retry_due", ignore_result=True)  # the name beat's schedule uses
def webhook_retry_due() -> int:
    """Hand off webhooks whose retry is overdue: the safety net for a retry task that was lost."""
    return services.webhook_retry_due()
