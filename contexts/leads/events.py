"""What the leads context publishes; payloads follow docs/contracts/events/leads/.

Each ``<entity>_<verb>_publish`` is called by a service inside its transaction on the leads alias,
so the event leaves only if the change commits. Every event of one person shares its aggregate (the
clientId), so they travel in order.

``leads.lead.created`` and ``leads.status.changed`` are published in v2, which has the pipeline's
statuses (new, contacted, booked, client, lost) and the ``import`` source (decision 0007).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from contexts.leads.models import Lead
from contexts.leads.rules import name_split
from nlc.events import publish

LEAD_CREATED = "leads.lead.created"
STATUS_CHANGED = "leads.status.changed"
CONVERTED = "leads.converted"
CLIENT_ERASED = "leads.client.erased"
LEAD_TAGGED = "leads.lead.tagged"


def _or_none(value: str) -> str | None:
    return value or None


def lead_created_publish(*, lead: Lead) -> dict[str, Any]:
    first_name, last_name = name_split(lead.name)
    return publish(
        LEAD_CREATED,
        {
            "leadId": lead.id,
            "coachId": lead.coach_id,
            "clientId": lead.client_id,
            "email": lead.email,
            "firstName": first_name,
            "lastName": last_name,
            "phone": _or_none(lead.phone),
            "source": lead.source,
            "landingPageId": lead.form_id,
            "utmSource": _or_none(lead.utm_source),
            "utmMedium": _or_none(lead.utm_medium),
            "utmCampaign": _or_none(lead.utm_campaign),
            "status": lead.status,
            "createdAt": lead.created_at,
        },
        aggregate_id=lead.client_id,
    )


def status_changed_publish(
    *, lead: Lead, from_status: str, changed_by_user_id: UUID | None, changed_at: datetime
) -> dict[str, Any]:
    return publish(
        STATUS_CHANGED,
        {
            "leadId": lead.id,
            "coachId": lead.coach_id,
            "clientId": lead.client_id,
            "fromStatus": from_status,
            "toStatus": lead.status,
            "changedByUserId": changed_by_user_id,
            "changedAt": changed_at,
        },
        aggregate_id=lead.client_id,
    )


def lead_tagged_publish(
    *, lead: Lead, tags: list[str], tagged_by_user_id: UUID | None, tagged_at: datetime
) -> list[dict[str, Any]]:
    """One ``leads.lead.tagged`` per tag newly added to the lead (the caller leaves out those it had)."""
    first_name, last_name = name_split(lead.name)
    return [
        publish(
            LEAD_TAGGED,
            {
                "leadId": lead.id,
                "coachId": lead.coach_id,
                "clientId": lead.client_id,
                "email": lead.email,
                "firstName": first_name,
                "lastName": last_name,
                "tag": tag,
                "taggedByUserId": tagged_by_user_id,
                "taggedAt": tagged_at,
            },
            aggregate_id=lead.client_id,
        )
        for tag in tags
    ]


def converted_publish(
    *, lead: Lead, via: str, transaction_id: UUID | None, course_id: UUID | None, converted_at: datetime
) -> dict[str, Any]:
    return publish(
        CONVERTED,
        {
            "leadId": lead.id,
            "coachId": lead.coach_id,
            "clientId": lead.client_id,
            "email": lead.email,
            "via": via,
            "transactionId": transaction_id,
            "courseId": course_id,
            "convertedAt": converted_at,
        },
        aggregate_id=lead.client_id,
    )


def client_erased_publish(
    *, coach_id: UUID, client_id: UUID, requested_by_user_id: UUID | None, requested_by_role: str, erased_at: datetime
) -> dict[str, Any]:
    return publish(
        CLIENT_ERASED,
        {
            "clientId": client_id,
            "coachId": coach_id,
            "requestedByUserId": requested_by_user_id,
            "requestedByRole": requested_by_role,
            "erasedAt": erased_at,
        },
        aggregate_id=client_id,
    )
