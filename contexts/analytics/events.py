"""What the analytics context publishes; payloads follow docs/contracts/events/analytics/.

``analytics.snapshot.updated`` is published by the fold (and by a rebuild) inside its transaction on
the analytics alias, at most once per (coach, day) or platform day per transaction, whatever number
of events changed that day.
"""

from __future__ import annotations

import datetime as dt
import uuid
from uuid import UUID

from nlc.events import publish

SNAPSHOT_UPDATED = "analytics.snapshot.updated"
_SNAPSHOT_NAMESPACE = uuid.UUID("6f1c0d8e-5a56-4f5e-9a4f-0c3b8f7f2a10")


def snapshot_id(*, scope: str, coach_id: UUID | None, day: dt.date) -> UUID:
    """The same id for the same snapshot every time it changes (consumers keep the latest)."""
    return uuid.uuid5(_SNAPSHOT_NAMESPACE, f"{scope}:{coach_id or ''}:{day.isoformat()}")


def snapshot_updated_publish(
    *,
    scope: str,
    coach_id: UUID | None,
    day: dt.date,
    currency: str | None,
    metrics: dict[str, int],
    updated_at: dt.datetime,
) -> dict:
    identity = snapshot_id(scope=scope, coach_id=coach_id, day=day)
    return publish(
        SNAPSHOT_UPDATED,
        {
            "snapshotId": identity,
            "scope": scope,
            "coachId": coach_id,
            "date": day.isoformat(),
            "currency": currency,
            "metrics": metrics,
            "updatedAt": updated_at,
        },
        aggregate_id=identity,
    )
