"""Erasure: a person's rows deleted from leads, and every context told (``leads.client.erased``)."""

from __future__ import annotations

from uuid import UUID

from django.utils import timezone

from contexts.leads import events
from contexts.leads.models import Booking, Client, ClientEnrollment, Lead, LeadNote, TimelineEntry
from nlc.db.transactions import atomic


def person_erase(*, coach_id: UUID, client_id: UUID, requested_by_user_id: UUID | None, requested_by_role: str) -> None:
    """Delete everything leads holds about the coach's person and publish the erasure, together.
    The day counters keep their numbers: they name nobody."""
    with atomic("leads"):
        leads = Lead.objects.filter(coach_id=coach_id, client_id=client_id)
        LeadNote.objects.filter(lead__in=leads).delete()
        Booking.objects.filter(lead__in=leads).delete()
        Client.objects.filter(coach_id=coach_id, client_id=client_id).delete()  # and its payments
        leads.delete()
        ClientEnrollment.objects.filter(coach_id=coach_id, client_id=client_id).delete()
        TimelineEntry.objects.filter(coach_id=coach_id, client_id=client_id).delete()
        events.client_erased_publish(
            coach_id=coach_id,
            client_id=client_id,
            requested_by_user_id=requested_by_user_id,
            requested_by_role=requested_by_role,
            erased_at=timezone.now(),
        )
