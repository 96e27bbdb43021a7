"""Pure decisions of the integrations context: when a webhook's hand-off is due, and how long to wait."""

from __future__ import annotations

from datetime import datetime, timedelta

from contexts.integrations.models import WebhookStatus


def hand_off_due(*, status: str, next_attempt_at: datetime | None, now: datetime) -> bool:
    """Only a received webhook is handed off, and only once its next attempt (if one is set) is due:
    a late or doubled retry task changes nothing."""
    return status == WebhookStatus.RECEIVED and (next_attempt_at is None or next_attempt_at <= now)


def retry_delay(*, attempts: int, base_seconds: float) -> timedelta:
    """The wait before attempt ``attempts + 1``: the base, doubling after each failure."""
    return timedelta(seconds=base_seconds * 2 ** (attempts - 1))
