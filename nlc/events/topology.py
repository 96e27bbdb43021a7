"""Names of the broker topology. Every name carries ``settings.NLC_BUS_NAMESPACE`` in front (empty in
production), so test runs declare their own exchanges and queues and never collide."""

from __future__ import annotations

from django.conf import settings

DOMAIN_EXCHANGE = "nlc.domain.events"
WEBHOOKS_EXCHANGE = "nlc.integrations.webhooks"


def _ns(name: str) -> str:
    return f"{settings.NLC_BUS_NAMESPACE}{name}"


def domain_exchange() -> str:
    """Durable topic exchange every event is published to (routing key = event type)."""
    return _ns(DOMAIN_EXCHANGE)


def webhooks_exchange() -> str:
    """Durable fanout exchange that receives verified raw webhook bodies."""
    return _ns(WEBHOOKS_EXCHANGE)


def context_queue(context: str) -> str:
    """The one durable quorum queue of a consuming context."""
    return _ns(f"nlc.{context}.events")


def dead_letter_exchange(context: str) -> str:
    return _ns(f"nlc.dlx.{context}")


def dead_letter_queue(context: str) -> str:
    return _ns(f"nlc.dlx.{context}")


def retry_queue(context: str, attempt: int) -> str:
    """Holds a failed message for the backoff delay of ``attempt``, then dead-letters it back."""
    return _ns(f"nlc.{context}.retry.{attempt}")


NOTIFY_CHANNEL = "nlc_outbox"
"""PostgreSQL channel a commit with events NOTIFYs and the relay LISTENs on (a database name, not a broker one)."""
