"""Rebuilding a coach partition from the log: the same fold as the live path, computed aside and
swapped in by one short transaction (decision 0008).

1. A short transaction marks the partition ``rebuilding`` (it waits for a live fold of that coach
   to finish); from then on the live fold leaves the partition's new rows unfolded.
2. The partition's log is streamed in log order (``iterator``), with the coach's final time zone
   fixed first, into a ``rules.Fold`` held in memory: its size follows the partition's days,
   clients and enrollments, not the number of events.
3. One transaction replaces the partition's rows with the fold's, marks the rows it read that were
   still unfolded as folded, clears the flag, and notes the days that changed; their snapshots are
   announced by the next fold or beat's sweep (thousands of days may change at once: their
   announcements are no part of the rebuild's time).
   The rows that arrived meanwhile are folded right after, on top of the rebuilt numbers.
The consumer is never blocked: it only appends to the log.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from uuid import UUID

from celery import current_app
from django.conf import settings

from contexts.analytics.data import RebuildReport
from contexts.analytics.models import (
    Activity,
    ClientHealth,
    CoachState,
    DayMetric,
    Enrollment,
    LessonCompletion,
    LoggedEvent,
    Subscription,
)
from contexts.analytics.rules import COACH, DEFAULT_TIME_ZONE, NO_COACH, PLATFORM, Fold
from contexts.analytics.rules import LoggedEvent as FoldEvent
from contexts.analytics.services.fold import fold_write, log_fold, snapshots_mark
from nlc.db.transactions import atomic, on_commit

logger = logging.getLogger(__name__)
CONTEXT = "analytics"
REBUILD_TASK = "analytics.coach_rebuild"
STREAM_CHUNK = 2000


def log_rebuild(*, coach_id: UUID | None = None, since: dt.date | None = None) -> list[RebuildReport]:
    """Rebuild one coach partition, or every partition the log holds, one after the other."""
    if coach_id is not None:
        coach_ids = [coach_id]
    else:
        coach_ids = sorted(LoggedEvent.objects.order_by().values_list("coach_id", flat=True).distinct())
    reports = [coach_rebuild(coach_id=coach, since=since, platform_snapshots=False) for coach in coach_ids]
    platform_days = {day for report in reports for day in report.platform_days}
    if platform_days:  # once for the platform, not once per coach partition
        with atomic(CONTEXT):
            snapshots_mark((PLATFORM, NO_COACH, day) for day in platform_days)
    return reports


def coach_rebuild_enqueue(*, coach_id: UUID) -> None:
    """After the current transaction commits, rebuild the partition (a coach's new time zone moves
    its events to other days): on a worker, or here and now when tasks run eagerly."""

    def send() -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            coach_rebuild(coach_id=coach_id)
            return
        try:
            current_app.send_task(REBUILD_TASK, kwargs={"coach_id": str(coach_id)})
        except Exception:  # the broker is away: `manage.py analytics rebuild --coach` does it by hand
            logger.exception("rebuild task not enqueued", extra={"coach_id": str(coach_id)})

    on_commit(CONTEXT, send, robust=True)


def coach_rebuild(*, coach_id: UUID, since: dt.date | None = None, platform_snapshots: bool = True) -> RebuildReport:
    _hold(coach_id)
    try:
        time_zone = _final_time_zone(coach_id)
        fold = Fold(time_zones={coach_id: time_zone}, fixed_time_zones=True)
        unfolded: list[int] = []
        events = 0
        rows = (
            LoggedEvent.objects.filter(coach_id=coach_id)
            .order_by("seq")
            .values_list("seq", "event_type", "version", "payload", "folded")
            .iterator(chunk_size=STREAM_CHUNK)
        )
        for seq, event_type, version, payload, folded in rows:
            fold.apply(FoldEvent(seq=seq, event_type=event_type, version=version, coach_id=coach_id, payload=payload))
            events += 1
            if not folded:
                unfolded.append(seq)
        changed = _swap(
            coach_id, fold, time_zone=time_zone, since=since, unfolded=unfolded, platform_snapshots=platform_snapshots
        )
    except BaseException:
        CoachState.objects.filter(coach_id=coach_id).update(rebuilding=False)
        raise
    return RebuildReport(
        coach_id=coach_id,
        events=events,
        days=len(changed),
        time_zone=time_zone[0],
        platform_days=frozenset(day for scope, day in changed if scope == PLATFORM),
    )


def _hold(coach_id: UUID) -> None:
    with atomic(CONTEXT):
        CoachState.objects.bulk_create([CoachState(coach_id=coach_id)], ignore_conflicts=True)
        CoachState.objects.select_for_update().filter(coach_id=coach_id).update(rebuilding=True)


def _final_time_zone(coach_id: UUID) -> tuple[str, dt.datetime | None]:
    """The zone the coach's newest auth.user.updated names (UTC without one)."""
    zones = Fold()
    for seq, version, payload in (
        LoggedEvent.objects.filter(coach_id=coach_id, event_type="auth.user.updated")
        .order_by("seq")
        .values_list("seq", "version", "payload")
    ):
        zones.apply(
            FoldEvent(seq=seq, event_type="auth.user.updated", version=version, coach_id=coach_id, payload=payload)
        )
    return zones.time_zones.get(coach_id, (DEFAULT_TIME_ZONE, None))


def _day_values(coach_id: UUID, since: dt.date | None) -> dict[tuple[str, dt.date], dict[tuple[str, str], int]]:
    rows = DayMetric.objects.filter(coach_id=coach_id)
    if since is not None:
        rows = rows.filter(day__gte=since)
    values: dict[tuple[str, dt.date], dict[tuple[str, str], int]] = defaultdict(dict)
    for scope, day, metric, dimension, value in rows.values_list("scope", "day", "metric", "dimension", "value"):
        values[(scope, day)][(metric, dimension)] = value
    return values


def _swap(
    coach_id: UUID,
    fold: Fold,
    *,
    time_zone: tuple[str, dt.datetime | None],
    since: dt.date | None,
    unfolded: list[int],
    platform_snapshots: bool,
) -> set[tuple[str, dt.date]]:
    """Replace the partition's rows by the fold's in one transaction; the (scope, day)s that changed."""
    if since is not None:
        fold.metrics = type(fold.metrics)({key: value for key, value in fold.metrics.items() if key[2] >= since})
        fold.activity = {key for key in fold.activity if key[3] >= since}
    fold.changed_subscriptions = set(fold.subscriptions)
    fold.changed_enrollments = set(fold.enrollments)
    fold.changed_clients = set(fold.clients)
    new_values: dict[tuple[str, dt.date], dict[tuple[str, str], int]] = defaultdict(dict)
    for (scope, _, day, metric, dimension), value in fold.metrics.items():
        new_values[(scope, day)][(metric, dimension)] = value
    with atomic(CONTEXT):
        CoachState.objects.select_for_update().filter(coach_id=coach_id).first()
        old_values = _day_values(coach_id, since)
        days = DayMetric.objects.filter(coach_id=coach_id)
        activity = Activity.objects.filter(coach_id=coach_id)
        if since is not None:
            days, activity = days.filter(day__gte=since), activity.filter(day__gte=since)
        days.delete()
        activity.delete()
        for model in (LessonCompletion, Subscription, Enrollment, ClientHealth):
            model.objects.filter(coach_id=coach_id).delete()
        fold_write(fold)
        for start in range(0, len(unfolded), 5000):
            LoggedEvent.objects.filter(seq__in=unfolded[start : start + 5000]).update(folded=True)
        CoachState.objects.filter(coach_id=coach_id).update(
            rebuilding=False, time_zone=time_zone[0], time_zone_at=time_zone[1]
        )
        changed = {key for key in set(old_values) | set(new_values) if old_values.get(key) != new_values.get(key)}
        snapshots_mark(
            (scope, coach_id if scope == COACH else NO_COACH, day)
            for scope, day in changed
            if scope == COACH or platform_snapshots
        )
        on_commit(CONTEXT, log_fold, robust=True)
    return changed
