"""What the integrations context publishes; payloads follow docs/contracts/events/integrations/.

Every event of one webhook shares its aggregate (the webhook event id), so they travel in order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nlc.events import publish

WEBHOOK_RECEIVED = "integrations.webhook.received"
WEBHOOK_PROCESSED = "integrations.webhook.processed"
WEBHOOK_FAILED = "integrations.webhook.failed"

# The envelope's source of a replayed webhook (a first delivery has the default, nlc/integrations).
REPLAY_SOURCE = "nlc/integrations/replay"
REASON_MAX_LENGTH = 1000


def _identity(event) -> dict[str, Any]:
    return {
        "webhookEventId": event.id,
        "provider": event.provider,
        "providerEventId": event.provider_event_id,
        "eventType": event.event_type,
    }


def webhook_received_publish(*, event, data: dict[str, Any], replay: bool = False) -> dict:
    return publish(
        WEBHOOK_RECEIVED,
        {**_identity(event), "coachId": event.coach_id, "data": data, "receivedAt": event.received_at},
        aggregate_id=event.id,
        source=REPLAY_SOURCE if replay else None,
    )


def webhook_processed_publish(*, event) -> dict:
    return publish(
        WEBHOOK_PROCESSED,
        {
            **_identity(event),
            "attempts": event.attempts,
            "receivedAt": event.received_at,
            "processedAt": event.processed_at,
        },
        aggregate_id=event.id,
    )


def webhook_failed_publish(*, event, reason: str, failed_at: datetime) -> dict:
    return publish(
        WEBHOOK_FAILED,
        {
            **_identity(event),
            "reason": reason[:REASON_MAX_LENGTH] or "unknown error",
            "attempts": event.attempts,
            "willRetry": event.next_attempt_at is not None,
            "nextAttemptAt": event.next_attempt_at,
            "failedAt": failed_at,
        },
        aggregate_id=event.id,
    )
