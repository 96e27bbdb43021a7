"""The log: every consumed event, inserted once per event id, then folded after the commit.

The handler only appends (one statement); the fold runs once the consumer's transaction commits,
over every row not folded yet (services.fold), so a batch of a hundred events is folded in one go
and its snapshots are published once per day it touched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db import connections

from contexts.analytics.models import LoggedEvent
from contexts.analytics.rules import payload_to_log
from contexts.analytics.services.fold import log_fold
from nlc.db.transactions import alias_of, on_commit

CONTEXT = "analytics"


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
    LoggedEvent.objects.bulk_create(
        [
            LoggedEvent(
                event_id=event_id,
                event_type=event_type,
                version=version,
                occurred_at=occurred_at,
                moment=moment,
                coach_id=coach_id,
                client_id=client_id,
                payload=payload_to_log(payload),
            )
        ],
        ignore_conflicts=True,
    )
    fold_after_commit()


class _FoldSoon:
    """One fold after the current transaction commits, however many events it appended."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        log_fold()


def fold_after_commit() -> None:
    """Register the fold on commit unless this transaction has one waiting already (a rolled-back
    transaction drops its callbacks, so the next one registers again)."""
    # Django keeps (savepoint ids, callback, robust) per callback of the open transaction.
    pending = connections[alias_of(CONTEXT)].run_on_commit
    if any(isinstance(entry[1], _FoldSoon) and not entry[1].done for entry in pending):
        return
    on_commit(CONTEXT, _FoldSoon(), robust=True)
