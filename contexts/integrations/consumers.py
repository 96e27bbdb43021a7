"""Handlers of the integrations context: it consumes its own integrations.webhook.received to hand
the raw body off outside the request (the request only stores and publishes)."""

from __future__ import annotations

from contexts.integrations import services
from contexts.integrations.events import WEBHOOK_RECEIVED
from nlc.events import Event, handles


@handles(WEBHOOK_RECEIVED, versions=(1,))
def hand_off_received_webhook(event: Event) -> None:
    services.webhook_hand_off(webhook_event_id=event.uuid("webhookEventId"))
