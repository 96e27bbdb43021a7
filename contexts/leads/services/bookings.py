"""Calendly: the coach's connection (how a booking finds its coach) and the invitees it books."""

from __future__ import annotations

from uuid import UUID

from django.db import IntegrityError

from contexts.leads.crypto import secret_encrypt
from contexts.leads.data import CalendlyInvitee
from contexts.leads.errors import CalendlyUserTakenError, CalendlyUserUnknownError
from contexts.leads.models import (
    Booking,
    BookingStatus,
    CalendlyConnection,
    Lead,
    LeadSource,
    LeadStatus,
    TimelineKind,
)
from contexts.leads.rules import BOOKABLE_STATUSES
from contexts.leads.services.records import lead_status_set, lead_upsert, stat_bump, timeline_entry_add
from nlc.db.transactions import atomic


def calendly_connection_save(
    *, coach_id: UUID, user_uri: str, organization_uri: str = "", access_token: str | None = None
) -> CalendlyConnection:
    """Connect (or re-point) the coach's Calendly user; a token given is kept encrypted."""
    try:
        with atomic("leads"):
            connection = CalendlyConnection.objects.select_for_update().filter(coach_id=coach_id).first()
            connection = connection or CalendlyConnection(coach_id=coach_id)
            connection.user_uri = user_uri
            connection.organization_uri = organization_uri
            if access_token is not None:
                connection.access_token_encrypted = secret_encrypt(access_token)
            connection.save()
            return connection
    except IntegrityError as error:  # the user URI is another coach's
        raise CalendlyUserTakenError(field_errors={"user_uri": [CalendlyUserTakenError.message]}) from error


def calendly_connection_delete(*, connection: CalendlyConnection) -> None:
    with atomic("leads"):
        connection.delete()


def _coach_of(invitee: CalendlyInvitee, coach_id: UUID | None) -> UUID:
    if coach_id is not None:
        return coach_id
    connection = CalendlyConnection.objects.filter(user_uri__in=invitee.user_uris).only("coach_id").first()
    if connection is None:
        raise CalendlyUserUnknownError(details={"userUris": list(invitee.user_uris)})
    return connection.coach_id


def booking_record(*, invitee: CalendlyInvitee, coach_id: UUID | None = None) -> Booking:
    """Record an invitee: the coach's lead (created or updated, moved to ``booked``) and its booking;
    a cancellation marks the booking (made first if the cancellation arrives before it)."""
    coach = _coach_of(invitee, coach_id)
    with atomic("leads"):
        lead, _ = lead_upsert(
            coach_id=coach, contact=invitee.contact, source=LeadSource.CALENDLY, touched_at=invitee.occurred_at
        )
        booking = Booking.objects.select_for_update().filter(invitee_uri=invitee.invitee_uri).first()
        if booking is None:
            booking = _booking_create(lead=lead, invitee=invitee)
        if invitee.event == "invitee.canceled" and booking.status != BookingStatus.CANCELED:
            _booking_cancel(booking=booking, lead=lead, invitee=invitee)
        return booking


def _booking_create(*, lead: Lead, invitee: CalendlyInvitee) -> Booking:
    booking = Booking.objects.create(
        coach_id=lead.coach_id,
        lead=lead,
        invitee_uri=invitee.invitee_uri,
        event_uri=invitee.event_uri,
        event_type_uri=invitee.event_type_uri,
        event_name=invitee.event_name,
        start_at=invitee.start_at,
        end_at=invitee.end_at,
        reschedule_url=invitee.reschedule_url,
        cancel_url=invitee.cancel_url,
        booked_at=invitee.occurred_at,
    )
    stat_bump(coach_id=lead.coach_id, moment=invitee.occurred_at, bookings=1)
    timeline_entry_add(
        coach_id=lead.coach_id,
        client_id=lead.client_id,
        kind=TimelineKind.BOOKING_MADE,
        occurred_at=invitee.occurred_at,
        summary=f"Booked {invitee.event_name or 'a call'}",
        data={
            "bookingId": str(booking.id),
            "eventName": invitee.event_name,
            "startAt": invitee.start_at.isoformat(),
            "endAt": invitee.end_at.isoformat(),
            "rescheduleUrl": invitee.reschedule_url,
        },
    )
    if lead.status in BOOKABLE_STATUSES and invitee.event == "invitee.created":
        lead_status_set(lead=lead, to_status=LeadStatus.BOOKED, changed_by_user_id=None, changed_at=invitee.occurred_at)
    return booking


def _booking_cancel(*, booking: Booking, lead: Lead, invitee: CalendlyInvitee) -> None:
    booking.status = BookingStatus.CANCELED
    booking.cancel_reason = invitee.cancel_reason
    booking.canceled_at = invitee.occurred_at
    booking.save(update_fields=["status", "cancel_reason", "canceled_at", "updated_at"])
    stat_bump(coach_id=lead.coach_id, moment=invitee.occurred_at, cancellations=1)
    timeline_entry_add(
        coach_id=lead.coach_id,
        client_id=lead.client_id,
        kind=TimelineKind.BOOKING_CANCELED,
        occurred_at=invitee.occurred_at,
        summary=f"Cancelled {booking.event_name or 'a call'}",
        data={"bookingId": str(booking.id), "reason": invitee.cancel_reason, "rescheduled": invitee.rescheduled},
    )
