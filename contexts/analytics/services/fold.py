"""The live fold: the log's rows not folded yet, applied by rules.Fold in log order, written back,
and each touched day's snapshot published once.

Concurrency: rows are claimed with ``FOR UPDATE SKIP LOCKED``; the coach partitions they belong to
are then locked in id order (so two folds never interleave one coach's events). A partition a
rebuild holds (``CoachState.rebuilding``) is left alone: its rows stay unfolded and the rebuild
takes them, or the fold after it does.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from uuid import UUID

from django.conf import settings
from django.db import connections
from django.utils import timezone

from contexts.analytics import events
from contexts.analytics.models import (
    Activity,
    ClientHealth,
    CoachState,
    DayMetric,
    Enrollment,
    LessonCompletion,
    LoggedEvent,
    SnapshotPending,
    Subscription,
)
from contexts.analytics.rules import (
    COACH,
    NO_COACH,
    PLATFORM,
    ClientFacts,
    EnrollmentState,
    Fold,
    SubscriptionState,
    entities_named,
    payload_erased,
    snapshot_metrics,
)
from contexts.analytics.rules import LoggedEvent as FoldEvent
from contexts.analytics.selectors import client_facts, enrollment_state
from nlc.db.transactions import alias_of, atomic

logger = logging.getLogger(__name__)
CONTEXT = "analytics"
FOLD_CHUNK = 1000
WRITE_BATCH = 500


def log_fold(*, limit: int = FOLD_CHUNK) -> int:
    """Fold every row not folded yet, ``limit`` at a time; how many were folded."""
    total = 0
    while True:
        folded, full = _fold_chunk(limit)
        total += folded
        if not full:
            return total


def _fold_chunk(limit: int) -> tuple[int, bool]:
    rebuilding = CoachState.objects.filter(rebuilding=True).values("coach_id")
    with atomic(CONTEXT):
        rows = list(
            LoggedEvent.objects.filter(folded=False)
            .exclude(coach_id__in=rebuilding)
            .order_by("seq")
            .select_for_update(skip_locked=True)
            .values_list("seq", "event_type", "version", "coach_id", "payload")[:limit]
        )
        if not rows:
            return 0, False
        chunk = [
            FoldEvent(seq=seq, event_type=kind, version=version, coach_id=coach, payload=payload)
            for seq, kind, version, coach, payload in rows
        ]
        named = entities_named(chunk)
        states = _coach_states_locked(named.coaches)
        held = {coach_id for coach_id, state in states.items() if state.rebuilding}
        chunk = [event for event in chunk if event.coach_id not in held]
        fold = Fold(
            time_zones={coach_id: (state.time_zone, state.time_zone_at) for coach_id, state in states.items()},
            subscriptions=_subscriptions(named.subscriptions),
            enrollments=_enrollments(named.enrollments),
            clients=_clients(named.clients),
        )
        for event in chunk:
            fold.apply(event)
        fold_write(fold)
        _time_zones_save(fold, states)
        _erase(fold.erased)
        LoggedEvent.objects.filter(seq__in=[event.seq for event in chunk]).update(folded=True)
        snapshots_mark(fold.touched)
        snapshots_publish_due()
        if fold.time_zone_changed:
            from contexts.analytics.services.rebuild import coach_rebuild_enqueue  # noqa: PLC0415 - a cycle

            for coach_id in sorted(fold.time_zone_changed):
                coach_rebuild_enqueue(coach_id=coach_id)
    return len(rows), len(rows) == limit


def _coach_states_locked(coach_ids: set[UUID]) -> dict[UUID, CoachState]:
    CoachState.objects.bulk_create([CoachState(coach_id=coach_id) for coach_id in coach_ids], ignore_conflicts=True)
    return {
        state.coach_id: state
        for state in CoachState.objects.filter(coach_id__in=coach_ids).order_by("coach_id").select_for_update()
    }


def _subscriptions(ids: set[UUID]) -> dict[UUID, SubscriptionState]:
    if not ids:
        return {}
    return {
        row.subscription_id: SubscriptionState(
            subscription_id=row.subscription_id,
            coach_id=row.coach_id,
            status=row.status,
            monthly_amount=row.monthly_amount,
            currency=row.currency,
            changed_at=row.changed_at,
        )
        for row in Subscription.objects.filter(subscription_id__in=ids)
    }


def _enrollments(ids: set[UUID]) -> dict[UUID, EnrollmentState]:
    if not ids:
        return {}
    return {row.enrollment_id: enrollment_state(row) for row in Enrollment.objects.filter(enrollment_id__in=ids)}


def _clients(keys: set[tuple[UUID, UUID]]) -> dict[tuple[UUID, UUID], ClientFacts]:
    if not keys:
        return {}
    rows = ClientHealth.objects.filter(
        coach_id__in={coach for coach, _ in keys}, client_id__in={client for _, client in keys}
    )
    return {(row.coach_id, row.client_id): client_facts(row) for row in rows if (row.coach_id, row.client_id) in keys}


# -- writing what a fold made ---------------------------------------------------------------------


def fold_write(fold: Fold) -> None:
    """Add the fold's counters to the day rows and save the states it changed (the live path; a
    rebuild writes into emptied partitions through the same statements)."""
    metrics_add(fold.metrics.items())
    Activity.objects.bulk_create(
        [
            Activity(kind=kind, coach_id=coach, subject_id=subject, day=day)
            for kind, coach, subject, day in fold.activity
        ],
        ignore_conflicts=True,
        batch_size=WRITE_BATCH,
    )
    LessonCompletion.objects.bulk_create(
        [
            LessonCompletion(
                coach_id=coach, course_id=course, lesson_id=lesson, enrollment_id=enrollment, position=position
            )
            for (enrollment, lesson), (course, coach, position) in fold.lessons.items()
        ],
        ignore_conflicts=True,
        batch_size=WRITE_BATCH,
    )
    _upsert(
        Subscription,
        [Subscription(**vars(fold.subscriptions[key])) for key in fold.changed_subscriptions],
        unique=["subscription_id"],
    )
    _upsert(
        Enrollment,
        [Enrollment(**vars(fold.enrollments[key])) for key in fold.changed_enrollments],
        unique=["enrollment_id"],
    )
    _upsert(
        ClientHealth,
        [ClientHealth(**vars(fold.clients[key])) for key in fold.changed_clients],
        unique=["coach_id", "client_id"],
    )


def _upsert(model, rows: list, *, unique: list[str]) -> None:
    if not rows:
        return
    fields = [field.name for field in model._meta.concrete_fields if not field.primary_key and field.name not in unique]
    model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=unique, update_fields=fields, batch_size=WRITE_BATCH
    )


def metrics_add(items: Iterable[tuple[tuple[str, UUID, dt.date, str, str], int]]) -> None:
    """Add to the day counters in one statement per few hundred (insert, or add to the row there)."""
    connection = connections[alias_of(CONTEXT)]
    quote = connection.ops.quote_name
    table = quote(DayMetric._meta.db_table)
    coach_field = DayMetric._meta.get_field("coach_id")
    batch: list = []

    def flush() -> None:
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * (len(batch) // 6))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (scope, coach_id, day, metric, dimension, value) VALUES {values} "  # noqa: S608 - our names
                "ON CONFLICT (scope, coach_id, day, metric, dimension) "
                f"DO UPDATE SET value = {table}.value + excluded.value",
                batch,
            )
        batch.clear()

    for (scope, coach_id, day, metric, dimension), value in items:
        batch += [
            scope,
            coach_field.get_db_prep_value(coach_id, connection),
            connection.ops.adapt_datefield_value(day),
            metric,
            dimension,
            value,
        ]
        if len(batch) >= WRITE_BATCH * 6:
            flush()
    if batch:
        flush()


def _time_zones_save(fold: Fold, states: dict[UUID, CoachState]) -> None:
    for coach_id, state in states.items():
        name, since = fold.time_zones.get(coach_id, (state.time_zone, state.time_zone_at))
        if (name, since) != (state.time_zone, state.time_zone_at):
            CoachState.objects.filter(coach_id=coach_id).update(time_zone=name, time_zone_at=since)


def _erase(clients: set[tuple[UUID, UUID]]) -> None:
    """Remove an erased client's personal fields from the logged payloads of that coach."""
    for coach_id, client_id in sorted(clients):
        rows = list(LoggedEvent.objects.filter(coach_id=coach_id, client_id=client_id).only("seq", "payload"))
        for row in rows:
            row.payload = payload_erased(row.payload)
        LoggedEvent.objects.bulk_update(rows, ["payload"], batch_size=WRITE_BATCH)


# -- snapshots ------------------------------------------------------------------------------------


def snapshots_mark(touched: Iterable[tuple[str, UUID, dt.date]]) -> None:
    """Note the days whose snapshot is to be announced (once, however often they changed)."""
    now = timezone.now()
    SnapshotPending.objects.bulk_create(
        [SnapshotPending(scope=scope, coach_id=coach_id, day=day, marked_at=now) for scope, coach_id, day in touched],
        ignore_conflicts=True,
        batch_size=WRITE_BATCH,
    )


def snapshots_publish_due(*, delay: float | None = None) -> int:
    """Announce every noted day once the oldest note has waited ``delay`` seconds (by default
    ANALYTICS_SNAPSHOT_DELAY_SECONDS); each day is claimed by one process."""
    delay = settings.ANALYTICS_SNAPSHOT_DELAY_SECONDS if delay is None else delay
    with atomic(CONTEXT):
        due = SnapshotPending.objects.filter(marked_at__lte=timezone.now() - dt.timedelta(seconds=delay))
        if not due.exists():
            return 0
        rows = list(
            SnapshotPending.objects.select_for_update(skip_locked=True).values_list("id", "scope", "coach_id", "day")
        )
        SnapshotPending.objects.filter(id__in=[row[0] for row in rows]).delete()
        return snapshots_publish((scope, coach_id, day) for _, scope, coach_id, day in rows)


def snapshots_publish(touched: Iterable[tuple[str, UUID, dt.date]]) -> int:
    """Publish ``analytics.snapshot.updated`` once for each (scope, coach, day), with its totals."""
    touched = sorted(touched)
    if not touched:
        return 0
    sums = day_sums(touched)
    now = timezone.now()
    for scope, coach_id, day in touched:
        currency, metrics = snapshot_metrics(sums.get((scope, coach_id, day), {}))
        events.snapshot_updated_publish(
            scope=scope,
            coach_id=coach_id if scope == COACH else None,
            day=day,
            currency=currency,
            metrics=metrics,
            updated_at=now,
        )
    return len(touched)


def day_sums(keys: Sequence[tuple[str, UUID, dt.date]]) -> dict[tuple[str, UUID, dt.date], dict[tuple[str, str], int]]:
    """Each (scope, coach, day)'s totals by (metric, dimension); the platform's summed over coaches."""
    wanted = set(keys)
    coaches = {coach for scope, coach, _ in keys if scope == COACH}
    sums: dict[tuple[str, UUID, dt.date], dict[tuple[str, str], int]] = defaultdict(dict)
    if coaches:
        rows = DayMetric.objects.filter(
            scope=COACH, coach_id__in=coaches, day__in={day for scope, _, day in keys if scope == COACH}
        ).values_list("coach_id", "day", "metric", "dimension", "value")
        for coach_id, day, metric, dimension, value in rows:
            if (COACH, coach_id, day) in wanted:
                sums[(COACH, coach_id, day)][(metric, dimension)] = value
    platform_days = {day for scope, _, day in keys if scope == PLATFORM}
    if platform_days:
        platform_rows = DayMetric.objects.filter(scope=PLATFORM, day__in=platform_days).values_list(
            "day", "metric", "dimension", "value"
        )
        for day, metric, dimension, value in platform_rows:
            bucket = sums[(PLATFORM, NO_COACH, day)]
            bucket[(metric, dimension)] = bucket.get((metric, dimension), 0) + value
    return sums
