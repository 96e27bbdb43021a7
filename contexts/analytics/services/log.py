"""The log: every consumed event, inserted once per event id, then folded after the commit.

The handler only appends (one statement); the fold runs once the consumer's transaction commits,
over every row not folded yet (services.fold), so a batch of a hundred events is folded in one go
(in a thread of its own with ANALYTICS_FOLD_IN_THREAD, so that one fold takes every batch that
committed while the previous fold ran).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.utils import timezone

from contexts.analytics.models import LoggedEvent
from contexts.analytics.rules import payload_to_log
from contexts.analytics.services.fold import log_fold
from nlc.db.transactions import alias_of, on_commit

logger = logging.getLogger(__name__)
CONTEXT = "analytics"
_INSERT_SQL = (
    "INSERT INTO {table} (event_id, event_type, version, occurred_at, moment, coach_id, client_id, payload, "
    "folded, logged_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, false, %s) ON CONFLICT (event_id) DO NOTHING"
)


def event_log(
    *,
    event_id: UUID,
    event_type: str,
    version: int,
    occurred_at: dt.datetime,
    moment: dt.datetime,
    coach_id: UUID,
    client_id: UUID | None,
    payload: dict[str, Any],
) -> None:
    """Append one event to the log (nothing when its id is there already) and have it folded once
    the surrounding transaction commits."""
    # One statement written once (the handler runs for every event of every batch); the ORM's
    # insert costs several times the database's time here.
    connection = connections[alias_of(CONTEXT)]
    uuid_field = LoggedEvent._meta.get_field("event_id")
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SQL.format(table=connection.ops.quote_name(LoggedEvent._meta.db_table)),
            [
                uuid_field.get_db_prep_value(event_id, connection),
                event_type,
                version,
                connection.ops.adapt_datetimefield_value(occurred_at),
                connection.ops.adapt_datetimefield_value(moment),
                uuid_field.get_db_prep_value(coach_id, connection),
                uuid_field.get_db_prep_value(client_id, connection),
                json.dumps(payload_to_log(payload), cls=DjangoJSONEncoder),
                connection.ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
    fold_after_commit()


class _FoldSoon:
    """One fold after the current transaction commits, however many events it appended."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        if settings.ANALYTICS_FOLD_IN_THREAD:
            _folder.request()
        else:
            log_fold()


class _Folder:
    """Folds in a thread of its own, so that the consumer goes on taking batches meanwhile and one
    fold takes every batch that committed while the previous one ran (under load a fold covers many
    batches; idle, it follows each commit within milliseconds). The thread ends after a quiet
    minute and starts again on demand; what it could not fold, beat folds."""

    def __init__(self) -> None:
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def request(self) -> None:
        with self.lock:
            self.wake.set()
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="analytics-fold", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        try:
            while True:
                if not self.wake.wait(timeout=60):
                    with self.lock:
                        if not self.wake.is_set():
                            self.thread = None
                            return
                self.wake.clear()
                try:
                    log_fold()
                except Exception:  # the rows stay unfolded: the next fold or beat takes them
                    logger.exception("analytics fold failed")
        finally:
            connections.close_all()


_folder = _Folder()


def fold_after_commit() -> None:
    """Register the fold on commit unless this transaction has one waiting already (a rolled-back
    transaction drops its callbacks, so the next one registers again)."""
    # Django keeps (savepoint ids, callback, robust) per callback of the open transaction.
    pending = connections[alias_of(CONTEXT)].run_on_commit
    if any(isinstance(entry[1], _FoldSoon) and not entry[1].done for entry in pending):
        return
    on_commit(CONTEXT, _FoldSoon(), robust=True)
