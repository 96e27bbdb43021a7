"""Reads of the analytics context, scoped to the caller: a coach sees its own numbers, an admin
everyone's (or one coach's, by ``coach_id``).

KPIs over a range cost three queries whatever its length: the day counters, the coach's time zone
and the distinct active learners at each bucket's end (one statement over all buckets).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from uuid import UUID

from django.db import connections
from django.db.models import Avg, Count, Min, QuerySet, Sum
from django.utils import timezone

from contexts.analytics.errors import DateRangeInvalidError
from contexts.analytics.models import Activity, ClientHealth, CoachState, DayMetric, Enrollment, LessonCompletion
from contexts.analytics.rules import (
    COACH,
    DEFAULT_TIME_ZONE,
    PLATFORM,
    ClientFacts,
    EnrollmentState,
    buckets,
    conversion_rate,
    health_parts,
    health_score,
    money_totals,
    previous_period,
    range_problem,
)
from nlc.api.principal import Principal
from nlc.api.scoping import scope_to_principal
from nlc.db.transactions import alias_of

EMAIL_FIELDS = {
    "emailsSent": "sent",
    "emailsDelivered": "delivered",
    "emailsOpened": "opened",
    "emailsClicked": "clicked",
    "emailsBounced": "bounced",
    "emailsComplained": "complained",
}
COUNT_FIELDS = {
    "courseSales": "course_sales",
    "payments": "payments",
    "paymentsFailed": "payments_failed",
    "bookings": "bookings",
    "conversions": "conversions",
    "enrollments": "enrollments",
    "completions": "completions",
}


def _coach_scope(principal: Principal, coach_id: UUID | None) -> UUID | None:
    """The coach whose numbers are read: a coach's own; an admin's choice (None: every coach)."""
    return principal.coach_id if principal.is_coach else coach_id


def enrollment_state(row: Enrollment) -> EnrollmentState:
    return EnrollmentState(
        enrollment_id=row.enrollment_id,
        coach_id=row.coach_id,
        course_id=row.course_id,
        client_id=row.client_id,
        enrolled_at=row.enrolled_at,
        progress_percent=row.progress_percent,
        completed_lessons=row.completed_lessons,
        total_lessons=row.total_lessons,
        progress_at=row.progress_at,
        completed_at=row.completed_at,
    )


def client_facts(row: ClientHealth) -> ClientFacts:
    return ClientFacts(
        coach_id=row.coach_id,
        client_id=row.client_id,
        last_active_at=row.last_active_at,
        emails_sent=row.emails_sent,
        emails_opened=row.emails_opened,
        emails_clicked=row.emails_clicked,
        payment_state=row.payment_state,
        payment_at=row.payment_at,
    )


# -- KPIs -----------------------------------------------------------------------------------------


def _range(filters: dict[str, Any]) -> tuple[dt.date, dt.date, str]:
    date_from, date_to = filters["date_from"], filters["date_to"]
    problem = range_problem(date_from, date_to)
    if problem:
        raise DateRangeInvalidError(field_errors={"date_to": [problem]})
    return date_from, date_to, filters["bucket"]


def kpi_report(*, principal: Principal, filters: dict[str, Any]) -> dict[str, Any]:
    coach_id = _coach_scope(principal, filters.get("coach_id"))
    date_from, date_to, bucket = _range(filters)
    before_from, before_to = previous_period(date_from, date_to)
    days = DayMetric.objects.filter(scope=COACH, day__gte=before_from, day__lte=date_to)
    if coach_id is not None:
        days = days.filter(coach_id=coach_id)
    by_day: dict[dt.date, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for day, metric, dimension, value in days.values_list("day", "metric", "dimension").annotate(total=Sum("value")):
        by_day[day][(metric, dimension)] += value
    spans = buckets(date_from, date_to, bucket)
    ends = [end for _, end in spans]
    active = _active_learners(coach_id, [*ends, before_to])
    rows = [_kpis(start, end, by_day, active[end]) for start, end in spans]
    time_zone = DEFAULT_TIME_ZONE
    if coach_id is not None:
        time_zone = (
            CoachState.objects.filter(coach_id=coach_id).values_list("time_zone", flat=True).first() or time_zone
        )
    return {
        "coach_id": coach_id,
        "time_zone": time_zone,
        "date_from": date_from,
        "date_to": date_to,
        "bucket": bucket,
        "totals": _kpis(date_from, date_to, by_day, active[date_to]),
        "previous": _kpis(before_from, before_to, by_day, active[before_to]),
        "buckets": rows,
    }


def _kpis(start: dt.date, end: dt.date, by_day, active: tuple[int, int]) -> dict[str, Any]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    day = start
    while day <= end:
        for key, value in by_day.get(day, {}).items():
            sums[key] += value
        day += dt.timedelta(days=1)
    metric: dict[str, int] = defaultdict(int)
    by_source: dict[str, int] = {}
    for (name, dimension), value in sums.items():
        metric[name] += value
        if name == "newLeads":
            by_source[dimension] = value
    return {
        "start": start,
        "end": end,
        "revenue": [{"currency": code, **row} for code, row in money_totals(sums).items()],
        **{snake: metric[name] for name, snake in COUNT_FIELDS.items()},
        "new_leads": metric["newLeads"],
        "new_leads_by_source": dict(sorted(by_source.items())),
        "conversion_rate": conversion_rate(metric["conversions"], metric["newLeads"]),
        "active_learners_7d": active[0],
        "active_learners_28d": active[1],
        "emails": {wire: metric[name] for name, wire in EMAIL_FIELDS.items()},
    }


def _active_learners(coach_id: UUID | None, ends: list[dt.date]) -> dict[dt.date, tuple[int, int]]:
    """Distinct learners with progress in the 7 and 28 days up to each day of ``ends``: one statement."""
    connection = connections[alias_of("analytics")]
    ends = sorted(set(ends))
    values = ", ".join(["(%s, %s, %s)"] * len(ends))
    params: list[Any] = []
    for end in ends:
        params += [
            connection.ops.adapt_datefield_value(end),
            connection.ops.adapt_datefield_value(end - dt.timedelta(days=6)),
            connection.ops.adapt_datefield_value(end - dt.timedelta(days=27)),
        ]
    table = connection.ops.quote_name(Activity._meta.db_table)
    coach_filter = ""
    params.append("learner")
    if coach_id is not None:
        coach_filter = "AND a.coach_id = %s"
        params.append(Activity._meta.get_field("coach_id").get_db_prep_value(coach_id, connection))
    sql = (
        "SELECT e.column1, COUNT(DISTINCT CASE WHEN a.day >= e.column2 THEN a.subject_id END), "  # noqa: S608 - ours
        f"COUNT(DISTINCT a.subject_id) FROM (VALUES {values}) AS e "
        f"JOIN {table} AS a ON a.day <= e.column1 AND a.day >= e.column3 "
        f"WHERE a.kind = %s {coach_filter} GROUP BY e.column1"
    )
    if connection.vendor == "postgresql":  # VALUES columns of a parameter are text there
        sql = sql.replace("(%s, %s, %s)", "(%s::date, %s::date, %s::date)")
    found: dict[dt.date, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for end, seven, twenty_eight in cursor.fetchall():
            found[end if isinstance(end, dt.date) else dt.date.fromisoformat(end)] = (seven, twenty_eight)
    return {end: found.get(end, (0, 0)) for end in ends}


KPI_CSV_COLUMNS = (
    "start",
    "end",
    "currency",
    "revenueGross",
    "refunds",
    "revenueNet",
    "courseSales",
    "newLeads",
    "bookings",
    "conversions",
    "conversionRate",
    "enrollments",
    "completions",
    "activeLearners7d",
    "activeLearners28d",
    "emailsSent",
    "emailsDelivered",
    "emailsOpened",
    "emailsClicked",
    "emailsBounced",
    "emailsComplained",
)


def kpi_csv_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """A bucket per row (a row per currency when a bucket had more than one)."""
    return [
        _csv_row(row, money)
        for row in report["buckets"]
        for money in row["revenue"] or [{"currency": "", "gross": 0, "refunds": 0, "net": 0}]
    ]


def _csv_row(row: dict[str, Any], money: dict[str, Any]) -> dict[str, Any]:
    return {
        "start": row["start"].isoformat(),
        "end": row["end"].isoformat(),
        "currency": money["currency"],
        "revenueGross": money["gross"],
        "refunds": money["refunds"],
        "revenueNet": money["net"],
        "courseSales": row["course_sales"],
        "newLeads": row["new_leads"],
        "bookings": row["bookings"],
        "conversions": row["conversions"],
        "conversionRate": "" if row["conversion_rate"] is None else row["conversion_rate"],
        "enrollments": row["enrollments"],
        "completions": row["completions"],
        "activeLearners7d": row["active_learners_7d"],
        "activeLearners28d": row["active_learners_28d"],
        **{f"emails{wire.capitalize()}": row["emails"][wire] for wire in EMAIL_FIELDS.values()},
    }


# -- platform -------------------------------------------------------------------------------------


def platform_report(*, filters: dict[str, Any]) -> dict[str, Any]:
    """Platform numbers by UTC day, for admins: coaches, MRR and its movements, GMV, webhooks."""
    date_from, date_to, bucket = _range(filters)
    before_from, before_to = previous_period(date_from, date_to)
    by_day: dict[dt.date, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        DayMetric.objects.filter(scope=PLATFORM, day__gte=before_from, day__lte=date_to)
        .values_list("day", "metric", "dimension")
        .annotate(total=Sum("value"))
    )
    for day, metric, dimension, value in rows:
        by_day[day][(metric, dimension)] += value
    opening: dict[str, int] = defaultdict(int)
    movements = ("mrrNewAmount", "mrrExpansionAmount", "mrrContractionAmount", "mrrChurnAmount")
    for metric, currency, value in (
        DayMetric.objects.filter(scope=PLATFORM, day__lt=before_from, metric__in=movements)
        .values_list("metric", "dimension")
        .annotate(total=Sum("value"))
    ):
        opening[currency] += _mrr_sign(metric) * value
    spans = buckets(date_from, date_to, bucket)
    active = _active_coaches([(start, end) for start, end in spans] + [(date_from, date_to), (before_from, before_to)])
    mrr_at = _mrr_levels(opening, by_day, before_from, date_to)
    return {
        "date_from": date_from,
        "date_to": date_to,
        "bucket": bucket,
        "totals": _platform(date_from, date_to, by_day, active, mrr_at),
        "previous": _platform(before_from, before_to, by_day, active, mrr_at),
        "buckets": [_platform(start, end, by_day, active, mrr_at) for start, end in spans],
    }


def _mrr_sign(metric: str) -> int:
    return 1 if metric in ("mrrNewAmount", "mrrExpansionAmount") else -1


def _mrr_levels(opening, by_day, first: dt.date, last: dt.date) -> dict[dt.date, dict[str, int]]:
    level = dict(opening)
    levels = {}
    day = first
    while day <= last:
        for (metric, currency), value in by_day.get(day, {}).items():
            if metric.startswith("mrr"):
                level[currency] = level.get(currency, 0) + _mrr_sign(metric) * value
        levels[day] = dict(level)
        day += dt.timedelta(days=1)
    return levels


def _platform(start, end, by_day, active, mrr_at) -> dict[str, Any]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    day = start
    while day <= end:
        for key, value in by_day.get(day, {}).items():
            sums[key] += value
        day += dt.timedelta(days=1)
    metric: dict[str, int] = defaultdict(int)
    by_currency: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    webhooks: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (name, dimension), value in sums.items():
        metric[name] += value
        if name.endswith("Amount"):
            by_currency[dimension][name] += value
        if name.startswith("webhooks"):
            webhooks[dimension][name] += value
    currencies = sorted(set(by_currency) | {code for code, value in mrr_at.get(end, {}).items() if value})
    return {
        "start": start,
        "end": end,
        "coaches_new": metric["coachesNew"],
        "coaches_active": active[(start, end)],
        "coaches_churned": metric["coachesChurned"],
        "course_sales": metric["courseSales"],
        "events_dead_lettered": metric["eventsDeadLettered"],
        "money": [
            {
                "currency": code,
                "mrr": mrr_at.get(end, {}).get(code, 0),
                "mrr_new": by_currency[code]["mrrNewAmount"],
                "mrr_expansion": by_currency[code]["mrrExpansionAmount"],
                "mrr_contraction": by_currency[code]["mrrContractionAmount"],
                "mrr_churn": by_currency[code]["mrrChurnAmount"],
                "gmv": by_currency[code]["gmvAmount"],
            }
            for code in currencies
        ],
        "webhooks": [
            {
                "provider": provider,
                "received": counts["webhooksReceived"],
                "processed": counts["webhooksProcessed"],
                "failed": counts["webhooksFailed"],
                "dead_lettered": counts["webhooksDeadLettered"],
            }
            for provider, counts in sorted(webhooks.items())
        ],
    }


def _active_coaches(spans: list[tuple[dt.date, dt.date]]) -> dict[tuple[dt.date, dt.date], int]:
    """Distinct coaches with any event in each span (UTC days): one statement for every span."""
    connection = connections[alias_of("analytics")]
    spans = sorted(set(spans))
    values = ", ".join(["(%s, %s)"] * len(spans))
    if connection.vendor == "postgresql":
        values = values.replace("(%s, %s)", "(%s::date, %s::date)")
    params: list[Any] = []
    for start, end in spans:
        params += [connection.ops.adapt_datefield_value(start), connection.ops.adapt_datefield_value(end)]
    table = connection.ops.quote_name(Activity._meta.db_table)
    sql = (
        f"SELECT e.column1, e.column2, COUNT(DISTINCT a.coach_id) FROM (VALUES {values}) AS e "  # noqa: S608 - ours
        f"JOIN {table} AS a ON a.day >= e.column1 AND a.day <= e.column2 "
        "WHERE a.kind = %s GROUP BY e.column1, e.column2"
    )
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, "coach"])
        for start, end, count in cursor.fetchall():
            found[(_date(start), _date(end))] = count
    return {span: found.get(span, 0) for span in spans}


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


# -- courses --------------------------------------------------------------------------------------


def course_progress_list(*, principal: Principal, filters: dict[str, Any]) -> QuerySet:
    """Per course: enrollments, completions and the average of each enrollment's latest progress."""
    rows = scope_to_principal(Enrollment.objects.all(), principal)
    if filters.get("coach_id"):
        rows = rows.filter(coach_id=filters["coach_id"])
    return (
        rows.values("coach_id", "course_id")
        .annotate(
            enrollments=Count("enrollment_id"),
            completions=Count("completed_at"),
            average_progress=Avg("progress_percent"),
        )
        .order_by("coach_id", "course_id")
    )


def course_dropoff(*, principal: Principal, course_id: UUID) -> dict[str, Any] | None:
    """Learners who completed each lesson of a course, in the order learners reach them, and how
    many of those who completed the lesson before did not complete this one."""
    enrollments = scope_to_principal(Enrollment.objects.filter(course_id=course_id), principal)
    enrolled = enrollments.count()
    if not enrolled:
        return None
    lessons = (
        scope_to_principal(LessonCompletion.objects.filter(course_id=course_id), principal)
        .values("lesson_id")
        .annotate(learners=Count("enrollment_id"), position=Min("position"))
        .order_by("position", "lesson_id")
    )
    rows, before = [], enrolled
    for lesson in lessons:
        rows.append({**lesson, "drop_off": max(0, before - lesson["learners"])})
        before = lesson["learners"]
    return {"course_id": course_id, "enrollments": enrolled, "lessons": rows}


# -- client health --------------------------------------------------------------------------------


def client_health_list(*, principal: Principal, filters: dict[str, Any]) -> QuerySet[ClientHealth]:
    rows = scope_to_principal(ClientHealth.objects.all(), principal)
    if filters.get("coach_id"):
        rows = rows.filter(coach_id=filters["coach_id"])
    return rows.order_by("coach_id", "client_id")


def client_health_get(*, principal: Principal, client_id: UUID, coach_id: UUID | None = None) -> ClientHealth | None:
    rows = scope_to_principal(ClientHealth.objects.filter(client_id=client_id), principal)
    if coach_id is not None:
        rows = rows.filter(coach_id=coach_id)
    return rows.order_by("coach_id").first()


def client_health_explained(rows: list[ClientHealth], *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each client's score and its parts, their enrollments read in one query."""
    today = today or timezone.now().date()
    enrollments: dict[tuple[UUID, UUID], list] = defaultdict(list)
    if rows:
        for enrollment in Enrollment.objects.filter(
            coach_id__in={row.coach_id for row in rows}, client_id__in={row.client_id for row in rows}
        ):
            enrollments[(enrollment.coach_id, enrollment.client_id)].append(enrollment_state(enrollment))
    explained = []
    for row in rows:
        parts = health_parts(client_facts(row), enrollments[(row.coach_id, row.client_id)], today=today)
        explained.append(
            {
                "coach_id": row.coach_id,
                "client_id": row.client_id,
                "score": health_score(parts),
                "parts": [vars(part) for part in parts],
            }
        )
    return explained
