"""What billing handles from other contexts: Stripe's webhooks, as integrations hands them on."""

from __future__ import annotations

import logging

from contexts.billing.errors import StripeEventMalformedError
from contexts.billing.stripe_events import stripe_event_apply
from nlc.errors import ProviderError
from nlc.events import DeadLetterError, Event, handles

logger = logging.getLogger(__name__)


@handles("integrations.webhook.received", versions=(1,))
def stripe_webhook_apply(event: Event) -> None:
    """Apply a verified Stripe event (``data`` is Stripe's event body); other providers are not ours.

    A payload that is no Stripe event, or a question Stripe refuses (a charge's refunds), is
    dead-lettered at once; a Stripe outage while billing asks fails the delivery, which the bus retries.
    """
    if event.text("provider") != "stripe":
        return
    webhook = event.optional_text("webhookEventId")
    try:
        stripe_event_apply(event=event.value("data"))
    except StripeEventMalformedError as error:
        raise DeadLetterError(f"webhook {webhook}: {error}") from error
    except ProviderError as error:
        if error.retryable:
            raise
        raise DeadLetterError(f"webhook {webhook}: {error}") from error
