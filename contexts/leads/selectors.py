"""Reads of the leads context, scoped to the caller: a coach sees its own rows, an admin all.

``<entity>_get`` answers None for a row the caller may not see, as for one that does not exist; the
view turns None into the 404 (``get_or_404``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.db import connections
from django.db.models import Prefetch, Q, QuerySet, Sum

from contexts.leads.data import DayStats, PersonExport
from contexts.leads.models import (
    Booking,
    CalendlyConnection,
    Client,
    ClientEnrollment,
    ClientPayment,
    Lead,
    LeadForm,
    LeadNote,
    LeadSource,
    LeadStat,
    TimelineEntry,
)
from contexts.leads.rules import conversion_rate, csv_cell_escape
from nlc.api.principal import Principal
from nlc.api.scoping import scope_to_principal
from nlc.time import iso_z

EXPORT_COLUMNS = ("email", "name", "phone", "status", "source", "tags", "message", "created_at", "converted_at")
STAT_COUNTERS = ("bookings", "cancellations", "conversions")


def _coach_narrowed(rows: QuerySet, filters: dict[str, Any]) -> QuerySet:
    if filters.get("coach_id"):
        rows = rows.filter(coach_id=filters["coach_id"])
    return rows


# --- Forms -------------------------------------------------------------------------------------
def lead_form_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[LeadForm]:
    rows = scope_to_principal(LeadForm.objects.all(), principal)
    return _coach_narrowed(rows, filters or {}).order_by("-created_at", "-id")


def lead_form_get(*, principal: Principal, lead_form_id: UUID) -> LeadForm | None:
    return lead_form_list(principal=principal).filter(pk=lead_form_id).first()


# --- Leads -------------------------------------------------------------------------------------
def lead_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Lead]:
    """Newest first, narrowed by status, tag, source, creation dates and free text (name, e-mail)."""
    filters = filters or {}
    rows = _coach_narrowed(scope_to_principal(Lead.objects.all(), principal), filters)
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("source"):
        rows = rows.filter(source=filters["source"])
    if filters.get("tag"):
        # The tag's JSON string inside the stored list: exact, on PostgreSQL and on the embedded
        # SQLite alike (tags hold no quotes or backslashes: rules.tag_valid).
        rows = rows.filter(tags__icontains=json.dumps(filters["tag"].strip().lower()))
    if filters.get("created_from"):
        rows = rows.filter(created_at__date__gte=filters["created_from"])
    if filters.get("created_to"):
        rows = rows.filter(created_at__date__lte=filters["created_to"])
    if filters.get("q"):
        text = filters["q"].strip()
        rows = rows.filter(Q(name__icontains=text) | Q(email__icontains=text))
    return rows.order_by("-created_at", "-id")


def lead_get(*, principal: Principal, lead_id: UUID) -> Lead | None:
    return lead_list(principal=principal).filter(pk=lead_id).first()


def lead_note_list(*, principal: Principal, lead: Lead) -> QuerySet[LeadNote]:
    return LeadNote.objects.filter(lead=lead).order_by("-created_at", "-id")


def lead_export_rows(*, principal: Principal) -> Iterator[dict[str, str]]:
    """The caller's leads as CSV rows (the columns of EXPORT_COLUMNS; tags joined by ``;``), every
    cell safe to open in a spreadsheet (rules.csv_cell_escape)."""
    for lead in lead_list(principal=principal).order_by("created_at", "id").iterator(chunk_size=500):
        row = {
            "email": lead.email,
            "name": lead.name,
            "phone": lead.phone,
            "status": lead.status,
            "source": lead.source,
            "tags": ";".join(lead.tags),
            "message": lead.message,
            "created_at": iso_z(lead.created_at) or "",
            "converted_at": iso_z(lead.converted_at) or "",
        }
        yield {column: csv_cell_escape(value) for column, value in row.items()}


# --- Clients -----------------------------------------------------------------------------------
def client_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Client]:
    filters = filters or {}
    rows = _coach_narrowed(scope_to_principal(Client.objects.all(), principal), filters)
    if filters.get("q"):
        text = filters["q"].strip()
        rows = rows.filter(Q(name__icontains=text) | Q(email__icontains=text))
    return rows.order_by("-first_paid_at", "-id")


def client_get(*, principal: Principal, client_row_id: UUID) -> Client | None:
    return client_list(principal=principal).filter(pk=client_row_id).first()


def client_enrollment_list(*, client: Client) -> QuerySet[ClientEnrollment]:
    return ClientEnrollment.objects.filter(coach_id=client.coach_id, client_id=client.client_id).order_by(
        "enrolled_at", "id"
    )


# --- Calendly ----------------------------------------------------------------------------------
def calendly_connection_get(*, principal: Principal) -> CalendlyConnection | None:
    return scope_to_principal(CalendlyConnection.objects.all(), principal).filter(coach_id=principal.coach_id).first()


def booking_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Booking]:
    rows = _coach_narrowed(scope_to_principal(Booking.objects.all(), principal), filters or {})
    return rows.select_related("lead").order_by("-start_at", "-id")


# --- Stats -------------------------------------------------------------------------------------
def lead_stat_list(*, principal: Principal, filters: dict[str, Any]) -> list[DayStats]:
    """One row per day that has any number, oldest first, between ``date_from`` and ``date_to``."""
    rows = _coach_narrowed(scope_to_principal(LeadStat.objects.all(), principal), filters)
    if filters.get("date_from"):
        rows = rows.filter(day__gte=filters["date_from"])
    if filters.get("date_to"):
        rows = rows.filter(day__lte=filters["date_to"])
    fields = [f"new_{source}" for source in LeadSource.values] + list(STAT_COUNTERS)
    days = rows.values("day").annotate(**{name: Sum(name) for name in fields}).order_by("day")
    return [_day_stats(day) for day in days]


def _day_stats(row: dict[str, Any]) -> DayStats:
    by_source = {source: row[f"new_{source}"] for source in LeadSource.values}
    new_leads = sum(by_source.values())
    return DayStats(
        day=row["day"],
        new_by_source=by_source,
        new_leads=new_leads,
        bookings=row["bookings"],
        cancellations=row["cancellations"],
        conversions=row["conversions"],
        conversion_rate=conversion_rate(new_leads=new_leads, conversions=row["conversions"]),
    )


# --- One person --------------------------------------------------------------------------------
def person_coach_id(*, principal: Principal, client_id: UUID, coach_id: UUID | None = None) -> UUID | None:
    """The coach of the person ``client_id`` as the caller may see them (a lead, a client or a
    timeline entry of theirs), or None. A coach's own; an admin names the coach (or the first found)."""
    for model in (Lead, Client, TimelineEntry):
        rows = scope_to_principal(model.objects.filter(client_id=client_id), principal)
        if coach_id is not None:
            rows = rows.filter(coach_id=coach_id)
        found = rows.values_list("coach_id", flat=True).first()
        if found is not None:
            return found
    return None


def timeline_entry_list(*, coach_id: UUID, client_id: UUID) -> QuerySet[TimelineEntry]:
    """Every touch of the person, oldest first (ties in the order they were recorded)."""
    return TimelineEntry.objects.filter(coach_id=coach_id, client_id=client_id).order_by("occurred_at", "created_at")


class TimelinePages:
    """A person's timeline as Django's paginator reads it: ``count()``, and a slice of entries in their
    wire shape (TimelineEntrySerializer's: id, kind, occurredAt, summary, data).

    A page of 200 is the hot read (benchmarks/leads.py): on PostgreSQL the page comes as one JSON text
    built by the database (``json_agg``, the moment formatted as nlc.time.iso_z does) and is decoded
    once, instead of a model row, a JSON decode and a dict per entry in Python."""

    def __init__(self, *, coach_id: UUID, client_id: UUID) -> None:
        self.rows = timeline_entry_list(coach_id=coach_id, client_id=client_id)

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        rows = self.rows[window]
        connection = connections[rows.db]
        if rows.query.is_empty():  # an empty page (a person with no touches yet) asks nothing
            return []
        if connection.vendor != "postgresql":
            return [_timeline_entry(row) for row in rows.values(*TIMELINE_FIELDS)]
        page_sql, params = rows.query.get_compiler(connection=connection).as_sql()
        with connection.cursor() as cursor:
            cursor.execute(f"{_TIMELINE_JSON_SQL}({page_sql}) AS page", params)
            return json.loads(cursor.fetchone()[0])


TIMELINE_FIELDS = ("id", "kind", "occurred_at", "summary", "data")
# iso_z: UTC, seconds, the microseconds only when there are any, and a Z.
_ISO_Z_SQL = (
    "to_char(page.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    " || CASE WHEN date_trunc('second', page.occurred_at) = page.occurred_at THEN ''"
    " ELSE to_char(page.occurred_at AT TIME ZONE 'UTC', '.US') END || 'Z'"
)
_TIMELINE_JSON_SQL = (
    "SELECT COALESCE(json_agg(json_build_object("  # noqa: S608 - constant text, the page's SQL from the ORM
    f"'id', page.id, 'kind', page.kind, 'occurredAt', {_ISO_Z_SQL}, 'summary', page.summary, 'data', page.data"
    ") ORDER BY page.occurred_at, page.created_at), '[]')::text FROM "
)


def _timeline_entry(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "kind": row["kind"],
        "occurredAt": iso_z(row["occurred_at"]),
        "summary": row["summary"],
        "data": row["data"],
    }


def person_export(*, coach_id: UUID, client_id: UUID) -> PersonExport:
    """Everything leads holds about the person, as plain JSON-ready data."""
    leads = Lead.objects.filter(coach_id=coach_id, client_id=client_id).prefetch_related(
        Prefetch("notes", queryset=LeadNote.objects.order_by("created_at")),
        Prefetch("bookings", queryset=Booking.objects.order_by("booked_at")),
    )
    clients = Client.objects.filter(coach_id=coach_id, client_id=client_id).prefetch_related(
        Prefetch("payments", queryset=ClientPayment.objects.order_by("paid_at"))
    )
    enrollments = ClientEnrollment.objects.filter(coach_id=coach_id, client_id=client_id).order_by("enrolled_at")
    return PersonExport(
        client_id=client_id,
        coach_id=coach_id,
        data={
            "leads": [_lead_export(lead) for lead in leads],
            "clients": [_client_export(client) for client in clients],
            "enrollments": [
                {
                    "enrollmentId": str(row.enrollment_id),
                    "courseId": str(row.course_id),
                    "courseTitle": row.course_title,
                    "progressPercent": row.progress_percent,
                    "enrolledAt": iso_z(row.enrolled_at),
                    "completedAt": iso_z(row.completed_at),
                }
                for row in enrollments
            ],
            "timeline": [
                {"kind": row.kind, "occurredAt": iso_z(row.occurred_at), "summary": row.summary, "data": row.data}
                for row in timeline_entry_list(coach_id=coach_id, client_id=client_id)
            ],
        },
    )


def _lead_export(lead: Lead) -> dict[str, Any]:
    return {
        "leadId": str(lead.id),
        "email": lead.email,
        "name": lead.name,
        "phone": lead.phone,
        "message": lead.message,
        "source": lead.source,
        "status": lead.status,
        "tags": lead.tags,
        "utmSource": lead.utm_source,
        "utmMedium": lead.utm_medium,
        "utmCampaign": lead.utm_campaign,
        "referrer": lead.referrer,
        "consentText": lead.consent_text,
        "consentAt": iso_z(lead.consent_at),
        "createdAt": iso_z(lead.created_at),
        "convertedAt": iso_z(lead.converted_at),
        "notes": [{"body": note.body, "createdAt": iso_z(note.created_at)} for note in lead.notes.all()],
        "bookings": [
            {
                "eventName": booking.event_name,
                "startAt": iso_z(booking.start_at),
                "endAt": iso_z(booking.end_at),
                "status": booking.status,
                "cancelReason": booking.cancel_reason,
            }
            for booking in lead.bookings.all()
        ],
    }


def _client_export(client: Client) -> dict[str, Any]:
    return {
        "email": client.email,
        "name": client.name,
        "firstPaidAt": iso_z(client.first_paid_at),
        "totalPaid": client.total_paid,
        "currency": client.currency,
        "payments": [
            {
                "transactionId": str(payment.transaction_id),
                "amount": payment.amount,
                "refundedAmount": payment.refunded_amount,
                "currency": payment.currency,
                "paidAt": iso_z(payment.paid_at),
            }
            for payment in client.payments.all()
        ],
    }
