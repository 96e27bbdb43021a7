"""Where committed outbox rows go, behind one interface: ``rabbitmq`` when BROKER_URL is set (the
relay publishes them; ``nlc.events.broker``), ``inline`` otherwise (the embedded default: delivered
to local handlers in-process on commit, with the same inbox rules; ``nlc.events.inline``).

``backend()`` is the one place that chooses; everything else asks it.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings

from nlc.events.broker import RabbitMQBackend
from nlc.events.inline import InlineBackend
from nlc.events.models import DeadLetter


class Backend(Protocol):
    name: str
    # Whether a broker carries messages (False in-process): what else needs the broker asks this.
    has_broker: bool

    def after_publish(self, *, alias: str, context: str) -> None:
        """Called by publish() inside the producer's transaction, once the outbox row is written."""

    def requeue(self, context: str, letter: DeadLetter | None = None) -> int:
        """Send one dead letter (without one: every dead one of ``context``) back to ``context`` with
        its attempts reset; mark the rows requeued; return how many messages went."""

    def purge(self, context: str) -> int:
        """Drop a context's dead letters for good (the rows stay, marked purged); return how many."""

    def replay(self, context: str, envelopes: list[dict[str, Any]]) -> None:
        """Deliver stored envelopes to one consuming context; handlers that applied one already skip it."""

    def readiness(self) -> dict[str, str]:
        """For /ready: ``{name: "ok"}``, or ``{name: "error: ..."}`` when it cannot deliver now."""


_RABBITMQ = RabbitMQBackend()
_INLINE = InlineBackend()


def backend() -> Backend:
    """The backend of this process, read from settings.BROKER_URL at each call (tests switch it)."""
    return _RABBITMQ if settings.BROKER_URL else _INLINE


def backend_name() -> str:
    return backend().name


def replay(context: str, envelopes: list[dict[str, Any]]) -> None:
    """Deliver stored envelopes to one consuming context; handlers that applied one already skip it."""
    backend().replay(context, envelopes)
