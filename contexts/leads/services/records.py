"""What several services share: a lead found or made for a person, its conversion, a timeline
entry, a day's counters. Called inside the caller's transaction on the leads alias."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import IntegrityError, connections
from django.db.models import F

from contexts.leads import events
from contexts.leads.data import Contact
from contexts.leads.models import Lead, LeadForm, LeadStat, LeadStatus, TimelineEntry
from contexts.leads.rules import email_normalize, tags_clean, text_clean
from nlc.clients import client_id_for
from nlc.db.transactions import alias_of, atomic

SUMMARY_MAX_LENGTH = 300
# The contact fields a later touch may fill in or refresh (a blank value never erases one).
_REFRESHED = ("name", "phone", "message", "utm_source", "utm_medium", "utm_campaign", "referrer", "consent_text")


def timeline_entry_add(
    *,
    coach_id: UUID,
    client_id: UUID,
    kind: str,
    occurred_at: datetime,
    summary: str,
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        coach_id=coach_id,
        client_id=client_id,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary[:SUMMARY_MAX_LENGTH],
        data=data or {},
    )


def stat_bump(*, coach_id: UUID, moment: datetime, **counters: int) -> None:
    """Add to the coach's counters of the (UTC) day of ``moment``: one upsert, no read."""
    day = moment.astimezone(dt.UTC).date()
    rows = LeadStat.objects.filter(coach_id=coach_id, day=day).update(
        **{name: F(name) + amount for name, amount in counters.items()}
    )
    if rows:
        return
    try:
        with atomic("leads"):
            LeadStat.objects.create(coach_id=coach_id, day=day, **counters)
    except IntegrityError:  # another transaction made the day's row first
        LeadStat.objects.filter(coach_id=coach_id, day=day).update(
            **{name: F(name) + amount for name, amount in counters.items()}
        )


def _contact_fields(contact: Contact) -> dict[str, Any]:
    fields: dict[str, Any] = {name: text_clean(getattr(contact, name)) for name in _REFRESHED}
    fields["message"] = contact.message.strip()
    fields["consent_text"] = contact.consent_text.strip()
    if contact.consent_at is not None:
        fields["consent_at"] = contact.consent_at
    return fields


def lead_upsert(
    *, coach_id: UUID, contact: Contact, source: str, form: LeadForm | None = None, touched_at: datetime
) -> tuple[Lead, bool]:
    """The coach's lead of this e-mail, refreshed with what the contact says, or a new one
    (``leads.lead.created``, the day's counter). Locked for the rest of the transaction."""
    email = email_normalize(contact.email)
    fields = _contact_fields(contact)
    candidate = Lead(
        coach_id=coach_id,
        client_id=client_id_for(coach_id=coach_id, email=email),
        email=email,
        source=source,
        form=form,
        tags=tags_clean(list(contact.tags)),
        last_touch_at=touched_at,
        **fields,
    )
    if _lead_insert_new(candidate):
        events.lead_created_publish(lead=candidate)
        stat_bump(coach_id=coach_id, moment=candidate.created_at, **{f"new_{source}": 1})
        return candidate, True
    lead = Lead.objects.select_for_update().get(coach_id=coach_id, email=email)
    changed = [name for name, value in fields.items() if value and getattr(lead, name) != value]
    for name in changed:
        setattr(lead, name, fields[name])
    tags = tags_clean([*lead.tags, *contact.tags])
    if tags != lead.tags:
        lead.tags = tags
        changed.append("tags")
    lead.last_touch_at = max(filter(None, (lead.last_touch_at, touched_at)))
    lead.save(update_fields=[*changed, "last_touch_at", "updated_at"])
    return lead, False


def _lead_insert_new(candidate: Lead) -> bool:
    """Insert the person unless the coach has this e-mail already, in one statement (the hot path
    of the public intake): ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` answers a row only
    when it inserted (PostgreSQL, and SQLite for the embedded default). Django's bulk_create
    cannot tell an inserted row from a skipped one."""
    connection = connections[alias_of("leads")]
    fields = Lead._meta.concrete_fields
    quote = connection.ops.quote_name
    # Identifiers from the model's own metadata; every value a parameter.
    sql = (
        f"INSERT INTO {quote(Lead._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        "ON CONFLICT (coach_id, email) DO NOTHING RETURNING id"
    )
    values = [field.get_db_prep_save(field.pre_save(candidate, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        inserted = cursor.fetchone() is not None
    if inserted:  # the candidate is the stored row now, for later saves
        candidate._state.adding = False
        candidate._state.db = connection.alias
    return inserted


def lead_status_set(*, lead: Lead, to_status: str, changed_by_user_id: UUID | None, changed_at: datetime) -> None:
    """Move the lead (the caller checked the move), publish ``leads.status.changed`` and note it."""
    from_status = lead.status
    lead.status = to_status
    lead.save(update_fields=["status", "updated_at"])
    events.status_changed_publish(
        lead=lead, from_status=from_status, changed_by_user_id=changed_by_user_id, changed_at=changed_at
    )
    timeline_entry_add(
        coach_id=lead.coach_id,
        client_id=lead.client_id,
        kind="status_changed",
        occurred_at=changed_at,
        summary=f"Status {from_status} → {to_status}",
        data={"fromStatus": from_status, "toStatus": to_status, "changedByUserId": _str_or_none(changed_by_user_id)},
    )


def lead_convert(
    *,
    lead: Lead,
    via: str,
    transaction_id: UUID | None,
    course_id: UUID | None,
    converted_at: datetime,
    changed_by_user_id: UUID | None,
) -> bool:
    """Make the lead a client once: status ``client``, ``leads.converted``, the day's conversion.
    False (and nothing done) for a lead converted already."""
    if lead.converted_at is not None:
        return False
    lead.converted_at = converted_at
    lead.save(update_fields=["converted_at", "updated_at"])
    if lead.status != LeadStatus.CLIENT:
        lead_status_set(
            lead=lead, to_status=LeadStatus.CLIENT, changed_by_user_id=changed_by_user_id, changed_at=converted_at
        )
    events.converted_publish(
        lead=lead, via=via, transaction_id=transaction_id, course_id=course_id, converted_at=converted_at
    )
    stat_bump(coach_id=lead.coach_id, moment=converted_at, conversions=1)
    return True


def _str_or_none(value: UUID | None) -> str | None:
    return str(value) if value else None
