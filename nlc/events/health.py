"""Readiness of the bus's backend on /ready (the broker, when RabbitMQ is in use); and the outbox
gauges on /metrics."""

from __future__ import annotations

from nlc.events.backends import backend
from nlc.events.metrics import register_outbox_collector
from nlc.observability.health import register_check


def check_broker() -> dict[str, str]:
    return backend().readiness()


register_check("broker", check_broker)
register_outbox_collector()
