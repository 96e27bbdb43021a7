"""Plain result and input types of the leads services and selectors (frozen dataclasses, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class Contact:
    """What a person told us about themselves (a form, a booking, a CSV row); "" when not given."""

    email: str
    name: str = ""
    phone: str = ""
    message: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    referrer: str = ""
    consent_text: str = ""
    consent_at: datetime | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalendlyInvitee:
    """An invitee of Calendly's ``invitee.created`` / ``invitee.canceled`` webhook, as leads reads it."""

    event: str
    user_uris: tuple[str, ...]
    invitee_uri: str
    contact: Contact
    event_uri: str
    event_type_uri: str
    event_name: str
    start_at: datetime
    end_at: datetime
    reschedule_url: str
    cancel_url: str
    occurred_at: datetime
    cancel_reason: str = ""
    rescheduled: bool = False


@dataclass(frozen=True)
class ImportRowResult:
    """One CSV row: ``created``, ``updated`` or ``error`` (with the reasons by column)."""

    row: int
    email: str
    result: str
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportReport:
    dry_run: bool
    created: int
    updated: int
    failed: int
    rows: list[ImportRowResult]


@dataclass(frozen=True)
class DayStats:
    day: date
    new_by_source: dict[str, int]
    new_leads: int
    bookings: int
    cancellations: int
    conversions: int
    conversion_rate: float | None


@dataclass(frozen=True)
class PersonExport:
    """Everything leads holds about one person (a privacy export)."""

    client_id: UUID
    coach_id: UUID
    data: dict[str, Any]
