"""What billing handles from other contexts: Stripe's webhooks, as integrations hands them on."""

from __future__ import annotations

import logging

from contexts.billing.stripe_events import MalformedStripeEvent, stripe_event_apply
from nlc.events import Event, handles
from nlc.events.dispatch import DeadLetterError

logger = logging.getLogger(__name__)


@handles("integrations.webhook.received", versions=(1,))
def stripe_webhook_apply(event: Event) -> None:
    """Apply a verified Stripe event (``data`` is Stripe's event body); other providers are not ours.

    A payload that is no Stripe event is dead-lettered at once; a Stripe outage while billing asks
    Stripe something (a charge's refunds) fails the delivery, which the bus retries.
    """
    if event.payload.get("provider") != "stripe":
        return
    try:
        stripe_event_apply(event=event.payload["data"])
    except MalformedStripeEvent as error:
        raise DeadLetterError(f"webhook {event.payload.get('webhookEventId')}: {error}") from error
