"""Readiness of the broker, registered with /ready when the RabbitMQ backend is in use; and the
outbox gauges on /metrics."""

from __future__ import annotations

from django.conf import settings

from nlc.events.metrics import register_outbox_collector
from nlc.observability.health import register_check


def check_broker() -> dict[str, str]:
    if not settings.BROKER_URL:
        return {"inline": "ok"}
    from nlc.events.broker import broker_connection

    try:
        with broker_connection() as connection:
            connection.ensure_connection(max_retries=0)  # one attempt: readiness answers now
        return {"rabbitmq": "ok"}
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        return {"rabbitmq": f"error: {type(error).__name__}: {error}"}


register_check("broker", check_broker)
register_outbox_collector()
