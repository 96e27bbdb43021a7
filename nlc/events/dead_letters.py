"""Dead letters kept in the consuming context's own schema, with the reason and the attempts."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from nlc.db.router import alias_for_context
from nlc.events import metrics
from nlc.events.models import DeadLetter


def record_dead_letter(
    context: str,
    *,
    reason: str,
    attempts: int,
    envelope: dict[str, Any] | None = None,
    body: bytes | str | None = None,
) -> DeadLetter:
    if body is None:
        body = json.dumps(envelope)
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    event_type = (envelope or {}).get("type", "") if isinstance(envelope, dict) else ""
    letter = DeadLetter.objects.using(alias_for_context(context)).create(
        event_id=(envelope or {}).get("eventId") if isinstance(envelope, dict) else None,
        event_type=str(event_type)[:120],
        body=body,
        reason=reason[:10_000],
        attempts=attempts,
        last_attempt_at=timezone.now(),
    )
    metrics.dead_lettered.labels(context, event_type or "unreadable").inc()
    return letter


def requeue(context: str) -> int:
    """Send a context's dead letters back to it with their attempts reset; return how many."""
    from nlc.events import backends

    alias = alias_for_context(context)
    letters = DeadLetter.objects.using(alias).filter(status=DeadLetter.Status.DEAD)
    if backends.backend_name() == "inline":
        moved = 0
        for letter in letters.order_by("created_at"):
            DeadLetter.objects.using(alias).filter(pk=letter.pk).update(
                status=DeadLetter.Status.REQUEUED, next_attempt_at=timezone.now()
            )
            try:
                envelope = json.loads(letter.body)
            except ValueError:
                continue
            backends.deliver_with_retries(context, envelope)
            moved += 1
        return moved
    from nlc.events.broker import broker_connection, requeue_dead_letters

    with broker_connection() as connection:
        moved = requeue_dead_letters(connection, context)
    letters.update(status=DeadLetter.Status.REQUEUED, next_attempt_at=timezone.now())
    return moved


def purge(context: str) -> int:
    """Drop a context's dead letters for good (the rows stay, marked purged, for the record)."""
    from nlc.events import backends

    alias = alias_for_context(context)
    letters = DeadLetter.objects.using(alias).filter(status=DeadLetter.Status.DEAD)
    count = letters.count()
    if backends.backend_name() == "rabbitmq":
        from nlc.events.broker import broker_connection, purge_dead_letters

        with broker_connection() as connection:
            count = max(count, purge_dead_letters(connection, context))
    letters.update(status=DeadLetter.Status.PURGED)
    return count


def replay(context: str, envelopes: list[dict[str, Any]]) -> None:
    """Deliver stored envelopes to one consuming context; handlers that applied one already skip it."""
    from nlc.events import backends

    if backends.backend_name() == "inline":
        for envelope in envelopes:
            backends.deliver_with_retries(context, envelope)
        return
    from nlc.events import topology
    from nlc.events.broker import ConfirmingPublisher, json_body, message_properties

    publisher = ConfirmingPublisher()
    try:
        for start in range(0, len(envelopes), 500):
            chunk = envelopes[start : start + 500]
            publisher.publish_batch(
                "", [(topology.context_queue(context), json_body(e), message_properties(e)) for e in chunk]
            )
    finally:
        publisher.close()
