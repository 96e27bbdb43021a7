"""Reading what the fold kept: money totals and snapshots, client health explained by its parts, CSV
cells, and date ranges with their buckets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from contexts.analytics.rules.shapes import ClientFacts, EnrollmentState

# -- reading the counters -------------------------------------------------------------------------


def money_totals(metrics: Mapping[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    """{currency: {gross, refunds, net, course_sales}} from (metric, dimension) sums."""
    totals: dict[str, dict[str, int]] = {}
    for (metric, currency), value in metrics.items():
        if metric in ("revenueGrossAmount", "refundsAmount", "courseSalesAmount"):
            row = totals.setdefault(currency, {"gross": 0, "refunds": 0, "net": 0, "course_sales": 0})
            key = {"revenueGrossAmount": "gross", "refundsAmount": "refunds", "courseSalesAmount": "course_sales"}
            row[key[metric]] += value
    for row in totals.values():
        row["net"] = row["gross"] - row["refunds"]
    return dict(sorted(totals.items()))


def conversion_rate(conversions: int, new_leads: int) -> float | None:
    """Conversions over new leads of the same period; None without leads."""
    return round(conversions / new_leads, 4) if new_leads else None


def snapshot_metrics(sums: Mapping[tuple[str, str], int]) -> tuple[str | None, dict[str, int]]:
    """One day's (metric, dimension) sums as ``analytics.snapshot.updated`` carries them: integers
    by camelCase name, the money of one currency (the day's largest by gross or GMV)."""
    counts: dict[str, int] = {}
    money: dict[str, dict[str, int]] = {}
    for (metric, dimension), value in sums.items():
        if metric.endswith("Amount"):
            money.setdefault(dimension, {})[metric] = money.get(dimension, {}).get(metric, 0) + value
        else:
            counts[metric] = counts.get(metric, 0) + value
    if "newLeads" in counts or "conversions" in counts:
        rate = conversion_rate(counts.get("conversions", 0), counts.get("newLeads", 0))
        if rate is not None:
            counts["conversionRateBasisPoints"] = round(rate * 10000)
    if not money:
        return None, dict(sorted(counts.items()))
    currency = max(
        sorted(money), key=lambda code: money[code].get("revenueGrossAmount", 0) + money[code].get("gmvAmount", 0)
    )
    chosen = money[currency]
    if "revenueGrossAmount" in chosen or "refundsAmount" in chosen:
        chosen["revenueNetAmount"] = chosen.get("revenueGrossAmount", 0) - chosen.get("refundsAmount", 0)
    return currency, dict(sorted({**counts, **chosen}.items()))


# -- client health --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthPart:
    name: str
    points: int
    max_points: int
    fact: str


def health_parts(facts: ClientFacts, enrollments: Iterable[EnrollmentState], *, today: dt.date) -> list[HealthPart]:
    """A client's health, 0-100, as four parts with the fact behind each."""
    return [
        _activity_part(facts, today),
        _pace_part(list(enrollments), today),
        _email_part(facts),
        _payment_part(facts),
    ]


def health_score(parts: Iterable[HealthPart]) -> int:
    return sum(part.points for part in parts)


def _activity_part(facts: ClientFacts, today: dt.date) -> HealthPart:
    if facts.last_active_at is None:
        return HealthPart("recentActivity", 0, 30, "no lesson progress yet")
    days = max(0, (today - facts.last_active_at.astimezone(dt.UTC).date()).days)
    points = 30 if days <= 7 else 20 if days <= 14 else 10 if days <= 28 else 0
    return HealthPart("recentActivity", points, 30, f"last progress {days} day(s) ago")


def _pace_part(enrollments: list[EnrollmentState], today: dt.date) -> HealthPart:
    """Progress against a 30-day pace: a course is expected done 30 days after enrolling."""
    if not enrollments:
        return HealthPart("progressPace", 0, 30, "not enrolled in any course")
    paces = []
    for enrollment in enrollments:
        if enrollment.completed_at is not None:
            paces.append(1.0)
            continue
        started = enrollment.enrolled_at or enrollment.progress_at or dt.datetime.combine(today, dt.time(), dt.UTC)
        days = max(1, (today - started.astimezone(dt.UTC).date()).days)
        expected = min(1.0, days / 30)
        paces.append(min(1.0, (enrollment.progress_percent / 100) / expected))
    pace = sum(paces) / len(paces)
    average = round(sum(enrollment.progress_percent for enrollment in enrollments) / len(enrollments))
    return HealthPart(
        "progressPace",
        round(30 * pace),
        30,
        f"{len(enrollments)} enrollment(s), {average}% average progress, {round(pace * 100)}% of a 30-day pace",
    )


def _email_part(facts: ClientFacts) -> HealthPart:
    if facts.emails_sent == 0:
        return HealthPart("emailEngagement", 10, 20, "no e-mails sent yet")
    opened = min(1.0, facts.emails_opened / facts.emails_sent)
    clicked = min(1.0, facts.emails_clicked / facts.emails_sent)
    return HealthPart(
        "emailEngagement",
        round(15 * opened + 5 * clicked),
        20,
        f"{facts.emails_opened} opened and {facts.emails_clicked} clicked of {facts.emails_sent} sent",
    )


def _payment_part(facts: ClientFacts) -> HealthPart:
    points = {"paid": 20, "": 10, "refunded": 5, "failed": 0}[facts.payment_state]
    fact = {
        "paid": "last payment succeeded",
        "": "no payment yet",
        "refunded": "last payment refunded",
        "failed": "last payment failed",
    }[facts.payment_state]
    return HealthPart("paymentState", points, 20, fact)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell_escape(value: str) -> str:
    """A cell of an export as text a spreadsheet will not run: a leading quote before a formula sign."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


# -- ranges and buckets ---------------------------------------------------------------------------

MAX_RANGE_DAYS = 400


def bucket_start(day: dt.date, bucket: str) -> dt.date:
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def buckets(date_from: dt.date, date_to: dt.date, bucket: str) -> list[tuple[dt.date, dt.date]]:
    """The (first, last) days of each bucket covering the range, clipped to it."""
    spans: list[tuple[dt.date, dt.date]] = []
    day = date_from
    while day <= date_to:
        start = bucket_start(day, bucket)
        if bucket == "week":
            end = start + dt.timedelta(days=6)
        elif bucket == "month":
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        else:
            end = start
        end = min(end, date_to)
        spans.append((day, end))
        day = end + dt.timedelta(days=1)
    return spans


def range_problem(date_from: dt.date, date_to: dt.date) -> str | None:
    """Why [date_from, date_to] cannot be read, or None."""
    if date_to < date_from:
        return "must not be before dateFrom"
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        return f"the range may cover at most {MAX_RANGE_DAYS} days"
    return None


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of equal length just before [date_from, date_to]."""
    length = (date_to - date_from).days + 1
    return date_from - dt.timedelta(days=length), date_from - dt.timedelta(days=1)
