"""The inline backend (no BROKER_URL, the embedded default): committed outbox rows are delivered to
the local handlers in-process on commit, with the same inbox, retry and dead-letter rules."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nlc.db.router import alias_for_context
from nlc.events import metrics
from nlc.events.dead_letters import dead_letters_of, envelope_of, record_dead_letter
from nlc.events.dispatch import DeadLetterError, dispatch
from nlc.events.models import DeadLetter, OutboxEvent
from nlc.events.registry import consuming_contexts, subscribed_types

logger = logging.getLogger(__name__)

# Test probes see every envelope the inline backend delivers.
observers: list[Callable[[dict[str, Any]], None]] = []
_state = threading.local()


class InlineBackend:
    name = "inline"
    has_broker = False

    def after_publish(self, *, alias: str, context: str) -> None:
        transaction.on_commit(deliver_pending, using=alias)

    def requeue(self, context: str, letter: DeadLetter | None = None) -> int:
        letters = [letter] if letter is not None else dead_letters_of(context).filter(status=DeadLetter.Status.DEAD)
        moved = 0
        for each in sorted(letters, key=lambda row: row.created_at):
            dead_letters_of(context).filter(pk=each.pk).update(
                status=DeadLetter.Status.REQUEUED, next_attempt_at=timezone.now()
            )
            envelope = envelope_of(each)
            if envelope is None:
                continue
            deliver_with_retries(context, envelope)
            moved += 1
        return moved

    def purge(self, context: str) -> int:
        letters = dead_letters_of(context).filter(status=DeadLetter.Status.DEAD)
        count = letters.count()
        letters.update(status=DeadLetter.Status.PURGED)
        return count

    def replay(self, context: str, envelopes: list[dict[str, Any]]) -> None:
        for envelope in envelopes:
            deliver_with_retries(context, envelope)

    def readiness(self) -> dict[str, str]:
        return {self.name: "ok"}  # nothing outside the process to wait for


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
    alias = alias_for_context(context)
    rows = list(OutboxEvent.objects.using(alias).filter(published_at__isnull=True).order_by("id")[:500])
    for row in rows:
        for observer in observers.copy():
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
    attempts = settings.NLC_EVENTS["MAX_ATTEMPTS"]
    for attempt in range(1, attempts + 1):
        try:
            dispatch(context, envelope)
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
        else:
            return True
    return False
