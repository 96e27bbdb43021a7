"""The coach's pipeline: leads added by hand, edited, moved between statuses, noted."""

from __future__ import annotations

from uuid import UUID

from django.utils import timezone

from contexts.leads import events
from contexts.leads.data import Contact
from contexts.leads.errors import LeadAlreadyExistsError, StatusMoveRefusedError
from contexts.leads.models import Lead, LeadNote, LeadSource, LeadStatus, TimelineKind
from contexts.leads.rules import email_normalize, status_move_allowed, tags_clean, text_clean
from contexts.leads.services.records import lead_convert, lead_status_set, lead_upsert, timeline_entry_add
from nlc.db.transactions import atomic

NOTE_EXCERPT_LENGTH = 200


def lead_create(*, coach_id: UUID, contact: Contact) -> Lead:
    """A lead the coach adds by hand; an e-mail it has already is a conflict."""
    with atomic("leads"):
        if Lead.objects.filter(coach_id=coach_id, email=email_normalize(contact.email)).exists():
            raise LeadAlreadyExistsError(field_errors={"email": [LeadAlreadyExistsError.message]})
        now = timezone.now()
        lead, _ = lead_upsert(coach_id=coach_id, contact=contact, source=LeadSource.MANUAL, touched_at=now)
        timeline_entry_add(
            coach_id=coach_id,
            client_id=lead.client_id,
            kind=TimelineKind.LEAD_ADDED,
            occurred_at=now,
            summary="Added by the coach",
        )
        return lead


def lead_update(
    *,
    lead: Lead,
    name: str | None = None,
    phone: str | None = None,
    tags: list[str] | None = None,
    changed_by_user_id: UUID | None = None,
) -> Lead:
    """Edit the lead; ``tags`` replaces its tags, and each one it did not have is announced
    (``leads.lead.tagged``)."""
    with atomic("leads"):
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if name is not None:
            lead.name = text_clean(name)
        if phone is not None:
            lead.phone = text_clean(phone)
        added: list[str] = []
        if tags is not None:
            cleaned = tags_clean(tags)
            added = [tag for tag in cleaned if tag not in lead.tags]
            lead.tags = cleaned
        lead.save(update_fields=["name", "phone", "tags", "updated_at"])
        events.lead_tagged_publish(
            lead=lead, tags=added, tagged_by_user_id=changed_by_user_id, tagged_at=lead.updated_at
        )
        return lead


def lead_status_move(*, lead: Lead, to_status: str, changed_by_user_id: UUID | None) -> Lead:
    """Move the lead as the pipeline allows (rules.ALLOWED_MOVES); to ``client`` is a manual
    conversion (``leads.converted`` with via ``manual``)."""
    with atomic("leads"):
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if not status_move_allowed(from_status=lead.status, to_status=to_status):
            raise StatusMoveRefusedError(
                f"A lead cannot move from {lead.status} to {to_status}.",
                details={"fromStatus": lead.status, "toStatus": to_status},
            )
        now = timezone.now()
        lead_status_set(lead=lead, to_status=to_status, changed_by_user_id=changed_by_user_id, changed_at=now)
        if to_status == LeadStatus.CLIENT:
            lead_convert(
                lead=lead,
                via="manual",
                transaction_id=None,
                course_id=None,
                converted_at=now,
                changed_by_user_id=changed_by_user_id,
            )
        return lead


def lead_note_add(*, lead: Lead, author_id: UUID | None, body: str) -> LeadNote:
    with atomic("leads"):
        note = LeadNote.objects.create(lead=lead, author_id=author_id, body=body.strip())
        timeline_entry_add(
            coach_id=lead.coach_id,
            client_id=lead.client_id,
            kind=TimelineKind.NOTE_ADDED,
            occurred_at=note.created_at,
            summary="Note added",
            data={"noteId": str(note.id), "excerpt": note.body[:NOTE_EXCERPT_LENGTH]},
        )
        return note
