import uuid

import pytest
from django.utils import timezone

from contexts.billing.tests.fake_stripe import API_KEY, FakeStripe
from nlc.testing.events import envelope_for


@pytest.fixture
def fake_stripe(settings):
    """A fake Stripe on loopback, with billing's settings pointing at it (and no SDK retries, so a
    failure test takes milliseconds)."""
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_SECONDS = 2.0
    yield fake
    fake.stop()


def webhook_received(stripe_event: dict, *, provider: str = "stripe", coach_id=None) -> dict:
    """The integrations.webhook.received envelope integrations publishes for a verified webhook."""
    return envelope_for(
        "integrations.webhook.received",
        {
            "webhookEventId": str(uuid.uuid4()),
            "provider": provider,
            "providerEventId": str(stripe_event.get("id") or "unknown"),
            "eventType": str(stripe_event.get("type") or "unknown"),
            "coachId": str(coach_id) if coach_id else None,
            "data": stripe_event,
            "receivedAt": timezone.now().isoformat(),
        },
    )


@pytest.fixture
def deliver(deliver_event):
    """``deliver(stripe_event)`` hands a Stripe event to billing as the bus does (the consumer, its
    inbox and transaction); returns the envelope, which can be delivered again with ``envelope=``."""

    def deliver_one(stripe_event: dict | None = None, *, envelope: dict | None = None) -> dict:
        envelope = envelope or webhook_received(stripe_event or {})
        deliver_event("billing", envelope)
        return envelope

    return deliver_one
