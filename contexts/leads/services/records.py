"""What several services share: a lead found or made for a person, its conversion, a timeline
entry, a day's counters. Called inside the caller's transaction on the leads alias."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import IntegrityError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Model

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


def timeline_entry_new(
    *, coach_id: UUID, kind: str, occurred_at: datetime, summary: str, data: dict[str, Any] | None = None
) -> TimelineEntry:
    """An entry of a person not saved yet, for lead_upsert's ``touch`` (which names the person)."""
    return TimelineEntry(
        coach_id=coach_id, kind=kind, occurred_at=occurred_at, summary=summary[:SUMMARY_MAX_LENGTH], data=data or {}
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
    *,
    coach_id: UUID,
    contact: Contact,
    source: str,
    form: LeadForm | None = None,
    touched_at: datetime,
    touch: TimelineEntry | None = None,
) -> tuple[Lead, bool]:
    """The coach's lead of this e-mail, refreshed with what the contact says, or a new one
    (``leads.lead.created``, the day's counter). Locked for the rest of the transaction.

    ``touch``, an entry of the person's timeline not saved yet (timeline_entry_new), is saved with
    the lead's ``client_id``: for a new lead on PostgreSQL in one statement with the day's counter
    (the hot path of the public intake)."""
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
        events.lead_tagged_publish(lead=candidate, tags=candidate.tags, tagged_by_user_id=None, tagged_at=touched_at)
        if touch is not None:
            touch.client_id = candidate.client_id
        _new_lead_counted(candidate, counter=f"new_{source}", touch=touch)
        return candidate, True
    lead = Lead.objects.select_for_update().get(coach_id=coach_id, email=email)
    changed = [name for name, value in fields.items() if value and getattr(lead, name) != value]
    for name in changed:
        setattr(lead, name, fields[name])
    tags = tags_clean([*lead.tags, *contact.tags])
    added = [tag for tag in tags if tag not in lead.tags]
    if tags != lead.tags:
        lead.tags = tags
        changed.append("tags")
    lead.last_touch_at = max(filter(None, (lead.last_touch_at, touched_at)))
    lead.save(update_fields=[*changed, "last_touch_at", "updated_at"])
    events.lead_tagged_publish(lead=lead, tags=added, tagged_by_user_id=None, tagged_at=touched_at)
    if touch is not None:
        touch.client_id = lead.client_id
        touch.save(force_insert=True)
    return lead, False


def _lead_insert_new(candidate: Lead) -> bool:
    """Insert the person unless the coach has this e-mail already, in one statement (the hot path
    of the public intake): ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` answers a row only
    when it inserted (PostgreSQL, and SQLite for the embedded default). Django's bulk_create
    cannot tell an inserted row from a skipped one."""
    connection = connections[alias_of("leads")]
    columns, values = _insert_row(candidate, connection)
    # Identifiers from the model's own metadata; every value a parameter.
    sql = (
        f"INSERT INTO {connection.ops.quote_name(Lead._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(values))}) "
        "ON CONFLICT (coach_id, email) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        inserted = cursor.fetchone() is not None
    if inserted:  # the candidate is the stored row now, for later saves
        _stored(candidate, connection)
    return inserted


def _new_lead_counted(lead: Lead, *, counter: str, touch: TimelineEntry | None) -> None:
    """The day's ``counter`` of a new lead, and its ``touch``: on PostgreSQL in one statement (the
    day's row upserted in a WITH clause, then the entry inserted), last before the commit, so the
    day's row every new lead of the coach writes is locked as briefly as before."""
    connection = connections[alias_of("leads")]
    if touch is None or connection.vendor != "postgresql":
        stat_bump(coach_id=lead.coach_id, moment=lead.created_at, **{counter: 1})
        if touch is not None:
            touch.save(force_insert=True)
        return
    day = lead.created_at.astimezone(dt.UTC).date()
    stat_columns, stat_values = _insert_row(LeadStat(coach_id=lead.coach_id, day=day, **{counter: 1}), connection)
    touch_columns, touch_values = _insert_row(touch, connection)
    quote = connection.ops.quote_name
    stat_table, column = quote(LeadStat._meta.db_table), quote(counter)
    # Identifiers from the models' own metadata; every value a parameter. As stat_bump: the counter
    # added to, nothing else of the day's row changed.
    sql = (
        f"WITH day_row AS (INSERT INTO {stat_table} ({stat_columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(stat_values))}) "
        f"ON CONFLICT (coach_id, day) DO UPDATE SET {column} = {stat_table}.{column} + EXCLUDED.{column}) "
        f"INSERT INTO {quote(TimelineEntry._meta.db_table)} ({touch_columns}) "
        f"VALUES ({', '.join(['%s'] * len(touch_values))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*stat_values, *touch_values])
    _stored(touch, connection)


def _insert_row(row: Model, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
    """The quoted columns of ``row``'s model and its values as an insert saves them."""
    fields = row._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return columns, [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]


def _stored(row: Model, connection: BaseDatabaseWrapper) -> None:
    row._state.adding = False
    row._state.db = connection.alias


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
