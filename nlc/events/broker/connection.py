"""The connection to RabbitMQ, and the one error the rest of the bus sees when the broker fails."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from kombu import Connection


class BrokerError(RuntimeError):
    """The broker refused or lost a message; the caller keeps it and tries again later."""


def broker_connection(url: str | None = None, **kwargs: Any) -> Connection:
    return Connection(url or settings.BROKER_URL, connect_timeout=5, heartbeat=0, **kwargs)
