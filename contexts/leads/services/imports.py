"""CSV import of a coach's contacts: a dry run reports each row and writes nothing; a commit writes
the valid rows (created or updated by e-mail) and reports the bad ones."""

from __future__ import annotations

import csv
import io
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from contexts.leads.data import Contact, ImportReport, ImportRowResult
from contexts.leads.errors import ImportTooLargeError, ImportUnreadableError
from contexts.leads.models import Lead, LeadSource
from contexts.leads.rules import csv_cell_unescape, email_normalize, phone_valid, tag_valid, tags_clean, text_clean
from contexts.leads.services.records import lead_upsert
from nlc.db.transactions import atomic

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
COLUMN_LIMITS = {"email": 254, "name": 200, "phone": 32, "message": 5000}
TAG_SEPARATOR = ";"


def _rows(text: str) -> list[dict[str, str]]:
    if len(text.encode()) > MAX_BYTES:
        raise ImportTooLargeError(details={"maxBytes": MAX_BYTES})
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "email" not in [name.strip().lower() for name in reader.fieldnames]:
        raise ImportUnreadableError()
    rows = [
        {(key or "").strip().lower(): csv_cell_unescape(value or "") for key, value in row.items()} for row in reader
    ]
    if len(rows) > MAX_ROWS:
        raise ImportTooLargeError(f"A CSV file may hold at most {MAX_ROWS} rows.", details={"maxRows": MAX_ROWS})
    return rows


def _row_errors(row: dict[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for column, limit in COLUMN_LIMITS.items():
        if len(row.get(column, "")) > limit:
            errors[column] = [f"Ensure this field has no more than {limit} characters."]
    try:
        validate_email(row.get("email", "").strip())
    except ValidationError:
        errors.setdefault("email", []).append("Enter a valid email address.")
    phone = text_clean(row.get("phone"))
    if phone and not phone_valid(phone):
        errors.setdefault("phone", []).append("Enter a valid phone number.")
    if any(not tag_valid(tag) for tag in _tags(row)):
        errors.setdefault("tags", []).append("A tag is at most 50 letters, digits, spaces, dots or dashes.")
    return errors


def _tags(row: dict[str, str]) -> list[str]:
    return tags_clean(row.get("tags", "").split(TAG_SEPARATOR))


def lead_import(*, coach_id: UUID, text: str, dry_run: bool) -> ImportReport:
    rows = _rows(text)
    seen: set[str] = set()
    results: list[ImportRowResult] = []
    with atomic("leads"):
        existing = set(
            Lead.objects.filter(
                coach_id=coach_id, email__in=[email_normalize(row.get("email", "")) for row in rows]
            ).values_list("email", flat=True)
        )
        now = timezone.now()
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            email = email_normalize(row.get("email", ""))
            errors = _row_errors(row)
            if errors:
                results.append(ImportRowResult(row=number, email=email, result="error", errors=errors))
                continue
            result = "updated" if email in existing or email in seen else "created"
            seen.add(email)
            if not dry_run:
                contact = Contact(
                    email=email,
                    name=row.get("name", ""),
                    phone=row.get("phone", ""),
                    message=row.get("message", ""),
                    tags=tuple(_tags(row)),
                )
                lead_upsert(coach_id=coach_id, contact=contact, source=LeadSource.IMPORT, touched_at=now)
            results.append(ImportRowResult(row=number, email=email, result=result))
    return ImportReport(
        dry_run=dry_run,
        created=sum(1 for row in results if row.result == "created"),
        updated=sum(1 for row in results if row.result == "updated"),
        failed=sum(1 for row in results if row.result == "error"),
        rows=results,
    )
