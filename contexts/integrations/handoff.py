"""The hand-off: a stored webhook's raw body to the durable fanout exchange ``nlc.integrations.webhooks``.

Each message is the body exactly as the provider sent it (persistent, confirmed by the broker), with
AMQP properties saying what it is: ``message_id`` = the webhook event id (a consumer dedupes on it,
since a hand-off is at-least-once), ``type`` = the provider's event type, and headers
``x-nlc-provider``, ``x-nlc-provider-event-id``, ``x-nlc-webhook-event-id``, ``x-nlc-received-at``,
``x-nlc-coach-id`` (when known) and ``traceparent``.

On the inline backend (no BROKER_URL) there is no broker and so nothing to hand off to.
"""

from __future__ import annotations

import threading

from contexts.integrations.errors import HandOffFailedError
from contexts.integrations.models import WebhookEvent
from nlc.events import backends, topology
from nlc.events.broker import BrokerError, ConfirmingPublisher

_local = threading.local()


def _publisher() -> ConfirmingPublisher:
    publisher = getattr(_local, "publisher", None)
    if publisher is None:
        publisher = _local.publisher = ConfirmingPublisher(confirm_timeout=10.0)
    return publisher


def raw_webhook_publish(*, event: WebhookEvent, trace_id: str | None = None) -> bool:
    """Publish ``event``'s raw body to the fanout exchange; False when there is no broker.

    Raises :class:`HandOffFailedError` when the broker does not take it."""
    if not backends.backend().has_broker:
        return False
    headers = {
        "x-nlc-provider": event.provider,
        "x-nlc-provider-event-id": event.provider_event_id,
        "x-nlc-webhook-event-id": str(event.id),
        "x-nlc-received-at": event.received_at.isoformat(),
    }
    if event.coach_id:
        headers["x-nlc-coach-id"] = str(event.coach_id)
    if trace_id:
        headers["traceparent"] = f"00-{trace_id}-{event.id.hex[:16]}-01"
    message = (
        f"{event.provider}.{event.event_type}",
        event.body.encode("utf-8"),
        {"message_id": str(event.id), "type": event.event_type, "application_headers": headers},
    )
    try:
        _publisher().send_confirmed(topology.webhooks_exchange(), [message])
    except BrokerError:
        # A kept connection may have died while idle: one fresh try before calling it a failure.
        try:
            _publisher().send_confirmed(topology.webhooks_exchange(), [message])
        except BrokerError as error:
            raise HandOffFailedError(str(error)) from error
    return True
