import uuid

import pytest
from django.utils import timezone

from contexts.billing.tests.factories import COACH_ID, OTHER_COACH_ID
from contexts.billing.tests.fake_stripe import API_KEY, FakeStripe
from nlc.events.contracts import registry
from nlc.events.dispatch import dispatch
from nlc.events.envelope import make_envelope


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


@pytest.fixture
def coach_id():
    return COACH_ID


@pytest.fixture
def other_coach_id():
    return OTHER_COACH_ID


@pytest.fixture
def coach_client(principal_client):
    return principal_client(role="coach", coach_id=COACH_ID, email="cory@example.com")


@pytest.fixture
def other_coach_client(principal_client):
    return principal_client(role="coach", coach_id=OTHER_COACH_ID, email="olga@example.com")


@pytest.fixture
def admin_client(principal_client):
    return principal_client(role="admin", email="ada@example.com")


def webhook_received(stripe_event: dict, *, provider: str = "stripe", coach_id=None) -> dict:
    """The integrations.webhook.received envelope integrations publishes for a verified webhook."""
    payload = {
        "webhookEventId": str(uuid.uuid4()),
        "provider": provider,
        "providerEventId": str(stripe_event.get("id") or "unknown"),
        "eventType": str(stripe_event.get("type") or "unknown"),
        "coachId": str(coach_id) if coach_id else None,
        "data": stripe_event,
        "receivedAt": timezone.now().isoformat(),
    }
    registry().get("integrations.webhook.received").validate(payload)
    return make_envelope(
        event_type="integrations.webhook.received",
        version=1,
        producer="integrations",
        payload=payload,
        trace_id=uuid.uuid4().hex,
        source="nlc/integrations",
    )


@pytest.fixture
def deliver():
    """``deliver(stripe_event)`` hands a Stripe event to billing as the bus does (the consumer, its
    inbox and transaction); returns the envelope, which can be delivered again with ``envelope=``."""

    def deliver_one(stripe_event: dict | None = None, *, envelope: dict | None = None) -> dict:
        envelope = envelope or webhook_received(stripe_event)
        dispatch("billing", envelope)
        return envelope

    return deliver_one
