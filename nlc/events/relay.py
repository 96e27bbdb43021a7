"""The relay: committed outbox rows to RabbitMQ, confirmed, in order, exactly once per row.

Each pass over a context takes a batch of unpublished rows with ``FOR UPDATE SKIP LOCKED`` (so
several relays share the work and never take the same row), leaves out any aggregate that still has
an earlier unpublished row outside the batch (another relay holds it: publishing ours first would
reorder that aggregate), publishes the rest in id order on one channel, waits for the broker's
confirms, and only then marks them published in the same transaction. If the broker is away the
transaction rolls back, the rows stay, and their attempts and last error are recorded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import timedelta

import psycopg
from django.conf import settings
from django.db import connections, transaction
from django.db.models import TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from nlc.db.router import alias_for_context
from nlc.events import metrics, topology
from nlc.events.broker import BrokerError, ConfirmingPublisher, wire_properties
from nlc.events.models import OutboxEvent

logger = logging.getLogger(__name__)


class Relay:
    def __init__(
        self,
        *,
        contexts: Iterable[str] | None = None,
        batch_size: int | None = None,
        publisher: ConfirmingPublisher | None = None,
    ):
        self.contexts = list(contexts or settings.NLC_CONTEXTS)
        self.batch_size = batch_size or settings.NLC_EVENTS["RELAY_BATCH_SIZE"]
        self.publisher = publisher or ConfirmingPublisher()
        self._last_prune = 0.0

    # -- one pass -------------------------------------------------------------------------------
    def relay_batch(self, context: str) -> int:
        """Publish one batch of ``context``'s outbox; return how many rows were published."""
        return self._relay_batch(context)[1]

    def _relay_batch(self, context: str) -> tuple[int, int]:
        """Return (rows taken, rows published); rows held back keep their aggregate's order.

        The envelope is read as the text PostgreSQL stores and sent as it is (no decode and encode),
        and every statement takes the batch's ids as one array parameter.
        """
        alias = alias_for_context(context)
        failure: BrokerError | None = None
        with transaction.atomic(using=alias):
            rows = list(
                OutboxEvent.objects.using(alias)
                .select_for_update(skip_locked=True)
                .filter(published_at__isnull=True, next_attempt_at__lte=timezone.now())
                .order_by("id")
                .annotate(body=Cast("envelope", TextField()), trace_id=KeyTextTransform("traceId", "envelope"))
                .values_list("id", "event_type", "aggregate_id", "event_id", "body", "trace_id", named=True)[
                    : self.batch_size
                ]
            )
            taken = len(rows)
            rows = self._without_blocked_aggregates(alias, rows)
            if not rows:
                return taken, 0
            ids = [row.id for row in rows]
            try:
                self.publisher.send(
                    topology.domain_exchange(),
                    [
                        (row.event_type, row.body.encode(), wire_properties(row.event_id, row.event_type, row.trace_id))
                        for row in rows
                    ],
                )
                # While the broker persists the batch, mark it; the commit waits for the confirms, so
                # a row is published in the database only once the broker has confirmed it.
                self._execute(
                    alias,
                    "UPDATE {table} SET published_at = %s, attempts = attempts + 1, last_error = '' WHERE id = ANY(%s)",
                    [timezone.now(), ids],
                )
                ephemeral = set(settings.NLC_EVENTS["EPHEMERAL_TYPES"])
                secret = [row.id for row in rows if row.event_type in ephemeral]
                if secret:
                    self._execute(alias, "DELETE FROM {table} WHERE id = ANY(%s)", [secret])
                self.publisher.wait_for_confirms()
            except BrokerError as error:
                failure = error
                transaction.set_rollback(True, using=alias)
        if failure is not None:
            # The batch's transaction rolled back and released the rows; the notes are kept.
            self._execute(
                alias,
                "UPDATE {table} SET attempts = attempts + 1, last_error = %s WHERE id = ANY(%s)",
                [str(failure)[:2000], ids],
            )
            raise failure
        for row in rows:
            metrics.published.labels(context, row.event_type).inc()
        return taken, len(rows)

    @staticmethod
    def _execute(alias: str, statement: str, params: list) -> list[tuple]:
        connection = connections[alias]
        table = connection.ops.quote_name(OutboxEvent._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=table), params)
            return cursor.fetchall() if cursor.description else []

    @staticmethod
    def _without_blocked_aggregates(alias: str, rows: list) -> list:
        """Keep, per aggregate, only the rows that no unpublished row outside the batch precedes.

        Another relay may hold an earlier row of the same aggregate, or a row between two of ours
        (skipped as locked): publishing past it would reorder the aggregate.
        """
        last_id: dict[str, int] = {}
        for row in rows:
            if row.aggregate_id is not None:
                last_id[row.aggregate_id] = row.id
        if not last_id:
            return rows
        taken = {row.id for row in rows}
        pending = Relay._execute(
            alias,
            "SELECT aggregate_id, id FROM {table} WHERE published_at IS NULL AND aggregate_id = ANY(%s) "
            "AND id <= %s ORDER BY id",
            [list(last_id), max(last_id.values())],
        )
        first_gap: dict[str, int] = {}
        for aggregate, row_id in pending:
            if row_id <= last_id[aggregate] and row_id not in taken and aggregate not in first_gap:
                first_gap[aggregate] = row_id
        if not first_gap:
            return rows
        return [row for row in rows if row.aggregate_id not in first_gap or row.id < first_gap[row.aggregate_id]]

    def drain(self, *, contexts: Iterable[str] | None = None) -> int:
        """Relay until every outbox is empty (or held by another relay); return rows published."""
        total = 0
        for context in contexts or self.contexts:
            while True:
                taken, published = self._relay_batch(context)
                total += published
                if not taken:
                    break  # nothing left that another relay is not already holding
                if not published:
                    time.sleep(0.01)  # all held back behind another relay's rows: let it finish
        return total

    def prune(self) -> int:
        """Delete published rows older than the retention period."""
        cutoff = timezone.now() - timedelta(days=settings.NLC_EVENTS["OUTBOX_RETENTION_DAYS"])
        deleted = 0
        for context in self.contexts:
            alias = alias_for_context(context)
            deleted += OutboxEvent.objects.using(alias).filter(published_at__lt=cutoff).delete()[0]
        return deleted

    # -- the process ----------------------------------------------------------------------------
    def run_forever(self, stop: threading.Event | None = None) -> None:
        stop = stop or threading.Event()
        listener = self._listen()
        backoff = 0.0
        poll = settings.NLC_EVENTS["RELAY_POLL_SECONDS"]
        logger.info("relay started", extra={"contexts": self.contexts})
        while not stop.is_set():
            try:
                self.drain()
                backoff = 0.0
            except BrokerError as error:
                backoff = min(30.0, max(0.5, backoff * 2))
                logger.warning("broker unavailable; keeping the rows", extra={"error": str(error), "retry_in": backoff})
                stop.wait(backoff)
                continue
            except Exception:
                logger.exception("relay pass failed")
                for connection in connections.all():
                    connection.close_if_unusable_or_obsolete()
                stop.wait(1.0)
                continue
            if time.monotonic() - self._last_prune > 600:
                self._last_prune = time.monotonic()
                self.prune()
            self._wait_for_nudge(listener, poll)
        self.publisher.close()

    @staticmethod
    def _listen() -> psycopg.Connection | None:
        """A dedicated connection that LISTENs for commits with events (PostgreSQL only)."""
        settings_dict = connections["default"].settings_dict
        if connections["default"].vendor != "postgresql":
            return None
        listener = psycopg.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict["USER"] or None,
            password=settings_dict["PASSWORD"] or None,
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            autocommit=True,
        )
        listener.execute(f"LISTEN {topology.NOTIFY_CHANNEL}")
        return listener

    @staticmethod
    def _wait_for_nudge(listener: psycopg.Connection | None, timeout: float) -> None:
        if listener is None:
            time.sleep(timeout)
            return
        for _ in listener.notifies(timeout=timeout, stop_after=1):
            pass


def _in_threads(workers: int, target) -> list:
    """Run ``target(index)`` in ``workers`` threads; each thread's database connections are its own."""
    results: list = [None] * workers

    def run(index: int) -> None:
        try:
            results[index] = target(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,), name=f"nlc-relay-{i}") for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def drain_with_workers(*, workers: int, contexts: Iterable[str] | None = None, batch_size: int | None = None) -> int:
    """Drain the outboxes with several relays at once (they share the work through SKIP LOCKED,
    and while one waits on PostgreSQL or on the broker's confirms another publishes)."""

    def one(_index: int) -> int:
        relay = Relay(contexts=contexts, batch_size=batch_size)
        try:
            return relay.drain()
        finally:
            relay.publisher.close()

    return sum(_in_threads(workers, one))


def run_with_workers(stop: threading.Event, *, workers: int, contexts: Iterable[str] | None = None) -> None:
    _in_threads(workers, lambda _index: Relay(contexts=contexts).run_forever(stop))
