"""Where committed outbox rows go: ``rabbitmq`` when BROKER_URL is set (the relay publishes them),
``inline`` otherwise (the embedded default: delivered to local handlers in-process on commit, with
the same inbox rules)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from nlc.db.router import alias_for_context

logger = logging.getLogger("nlc.events.inline")
NOTIFY_CHANNEL = "nlc_outbox"

# Test probes see every envelope the inline backend delivers.
observers: list[Callable[[dict[str, Any]], None]] = []
_state = threading.local()


def backend_name() -> str:
    return "rabbitmq" if settings.BROKER_URL else "inline"


def after_publish(*, alias: str, context: str) -> None:
    if backend_name() == "rabbitmq":
        connection = connections[alias]
        if connection.vendor == "postgresql":
            # PostgreSQL delivers NOTIFY only when the transaction commits: the relay wakes at once.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [NOTIFY_CHANNEL, context])
    else:
        transaction.on_commit(deliver_pending, using=alias)


def deliver_pending() -> None:
    """Deliver every committed, unpublished outbox row of every context to its local handlers.

    A handler that publishes in turn triggers this again on its commit; the outer call picks the new
    rows up instead of recursing.
    """
    if getattr(_state, "active", False):
        _state.again = True
        return
    _state.active = True
    try:
        while True:
            _state.again = False
            delivered = sum(_deliver_context(context) for context in settings.NLC_CONTEXTS)
            if not delivered and not _state.again:
                return
    finally:
        _state.active = False


def _deliver_context(context: str) -> int:
    from nlc.events.models import OutboxEvent
    from nlc.events.registry import consuming_contexts, subscribed_types

    alias = alias_for_context(context)
    rows = list(OutboxEvent.objects.using(alias).filter(published_at__isnull=True).order_by("id")[:500])
    for row in rows:
        for observer in list(observers):
            observer(row.envelope)
        for consumer in consuming_contexts():
            if row.event_type in subscribed_types(consumer):
                deliver_with_retries(consumer, row.envelope)
        delivered = OutboxEvent.objects.using(alias).filter(pk=row.pk)
        if row.event_type in settings.NLC_EVENTS["EPHEMERAL_TYPES"]:
            delivered.delete()  # it carries a secret: not kept for replay
        else:
            delivered.update(published_at=timezone.now(), attempts=row.attempts + 1)
    return len(rows)


def deliver_with_retries(context: str, envelope: dict[str, Any]) -> bool:
    """Apply an event in-process, retrying at once; dead-letter it after the last attempt."""
    from nlc.events import metrics
    from nlc.events.dead_letters import record_dead_letter
    from nlc.events.dispatch import DeadLetterError, dispatch

    attempts = settings.NLC_EVENTS["MAX_ATTEMPTS"]
    for attempt in range(1, attempts + 1):
        try:
            dispatch(context, envelope)
            return True
        except DeadLetterError as error:
            record_dead_letter(context, envelope=envelope, reason=str(error), attempts=attempt)
            return False
        except Exception as error:
            logger.exception("handler failed", extra={"event_id": envelope["eventId"], "attempt": attempt})
            if attempt == attempts:
                record_dead_letter(
                    context, envelope=envelope, reason=f"{type(error).__name__}: {error}", attempts=attempt
                )
                return False
            metrics.retried.labels(context, envelope["type"]).inc()
    return False
