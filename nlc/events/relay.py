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
from django.db.models import F
from django.utils import timezone

from nlc.db.router import alias_for_context
from nlc.events import metrics, topology
from nlc.events.backends import NOTIFY_CHANNEL
from nlc.events.broker import BrokerError, ConfirmingPublisher, json_body, message_properties
from nlc.events.models import OutboxEvent

logger = logging.getLogger("nlc.events.relay")


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
        """Return (rows taken, rows published); rows held back keep their aggregate's order."""
        alias = alias_for_context(context)
        failure: BrokerError | None = None
        with transaction.atomic(using=alias):
            rows = list(
                OutboxEvent.objects.using(alias)
                .select_for_update(skip_locked=True)
                .filter(published_at__isnull=True, next_attempt_at__lte=timezone.now())
                .order_by("id")
                .only("id", "event_type", "aggregate_id", "envelope", "attempts")[: self.batch_size]
            )
            taken = len(rows)
            rows = self._without_blocked_aggregates(alias, rows)
            if not rows:
                return taken, 0
            try:
                self.publisher.publish_batch(
                    topology.domain_exchange(),
                    [(row.event_type, json_body(row.envelope), message_properties(row.envelope)) for row in rows],
                )
            except BrokerError as error:
                failure = error
                transaction.set_rollback(True, using=alias)
            else:
                published = OutboxEvent.objects.using(alias).filter(id__in=[row.id for row in rows])
                published.update(published_at=timezone.now(), attempts=F("attempts") + 1, last_error="")
                published.filter(event_type__in=settings.NLC_EVENTS["EPHEMERAL_TYPES"]).delete()
        if failure is not None:
            # The batch's transaction rolled back and released the rows; the notes are kept.
            OutboxEvent.objects.using(alias).filter(id__in=[row.id for row in rows]).update(
                attempts=F("attempts") + 1, last_error=str(failure)[:2000]
            )
            raise failure
        for row in rows:
            metrics.published.labels(context, row.event_type).inc()
        return taken, len(rows)

    @staticmethod
    def _without_blocked_aggregates(alias: str, rows: list[OutboxEvent]) -> list[OutboxEvent]:
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
        pending = (
            OutboxEvent.objects.using(alias)
            .filter(published_at__isnull=True, aggregate_id__in=list(last_id), id__lte=max(last_id.values()))
            .order_by("id")
            .values_list("aggregate_id", "id")
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
        listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        return listener

    @staticmethod
    def _wait_for_nudge(listener: psycopg.Connection | None, timeout: float) -> None:
        if listener is None:
            time.sleep(timeout)
            return
        for _ in listener.notifies(timeout=timeout, stop_after=1):
            pass
