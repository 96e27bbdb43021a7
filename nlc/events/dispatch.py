"""Apply one event to one consuming context: each handler's effects and its inbox row commit
together on the consumer's alias, so applying the same event twice changes nothing."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import connections, transaction

from nlc.db.router import alias_for_context
from nlc.events import metrics
from nlc.events.envelope import Event, PayloadFieldError
from nlc.events.models import InboxEntry
from nlc.events.registry import handlers_for
from nlc.observability.context import trace_id_var

logger = logging.getLogger(__name__)


class DeadLetterError(Exception):
    """Retrying cannot help (unknown version, no handler, a malformed payload): dead-letter at once.

    A handler raises it for an event it can never apply; the consumer dead-letters the message with
    this message as the reason, without the retries a passing failure gets.
    """


def dispatch(context: str, envelope: dict[str, Any], *, savepoint: bool = True) -> int:
    """Run every handler of ``context`` for this event; return how many applied it now (not before).

    A handler's exception propagates after its transaction rolled back; handlers that already
    succeeded are skipped on the next delivery thanks to their inbox rows. ``savepoint=False``
    joins the caller's transaction instead (a batch of events committed together).
    """
    specs = handlers_for(context, envelope["type"])
    if not specs:
        raise DeadLetterError(f"{context} has no handler for {envelope['type']}")
    version = envelope["schemaVersion"]
    if not any(version in spec.versions for spec in specs):
        raise DeadLetterError(f"{envelope['type']} version {version} is not accepted by {context}")
    event = Event.from_envelope(envelope)
    alias = alias_for_context(context)
    applied = 0
    token = trace_id_var.set(event.trace_id)
    try:
        for spec in specs:
            if version not in spec.versions:
                continue
            started = time.perf_counter()
            with transaction.atomic(using=alias, savepoint=savepoint):
                if not _claim(alias, event, spec.name):
                    logger.info("event already applied", extra={"event_id": str(event.event_id), "handler": spec.name})
                    continue
                try:
                    spec.func(event)
                except PayloadFieldError as error:
                    raise DeadLetterError(f"{spec.name}: {error}") from error
            applied += 1
            metrics.handler_duration.labels(context, event.type).observe(time.perf_counter() - started)
            metrics.consumed.labels(context, event.type).inc()
            logger.debug(
                "event applied", extra={"event_id": str(event.event_id), "type": event.type, "handler": spec.name}
            )
    finally:
        trace_id_var.reset(token)
    return applied


def _claim(alias: str, event: Event, handler: str) -> bool:
    """Insert the inbox row; False when this handler already applied the event.

    A concurrent duplicate blocks on the unique index until the first commits, then finds the row.
    """
    connection = connections[alias]
    table = connection.ops.quote_name(InboxEntry._meta.db_table)
    event_id = InboxEntry._meta.get_field("event_id").get_db_prep_value(event.event_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (event_id, handler, event_type, processed_at) "  # noqa: S608 - table name is ours
            "VALUES (%s, %s, %s, CURRENT_TIMESTAMP) ON CONFLICT (event_id, handler) DO NOTHING RETURNING id",
            [event_id, handler, event.type],
        )
        return cursor.fetchone() is not None
