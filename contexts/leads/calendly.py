"""Calendly's invitee webhooks (``invitee.created``, ``invitee.canceled``), read into what leads
keeps: the inbound translation layer between integrations' verified ``data`` and the services.

Integrations verified the signature and the freshness; here only the shape is checked. A payload
that lacks what a booking needs raises CalendlyPayloadError (it can never apply).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contexts.leads.data import CalendlyInvitee, Contact
from nlc.time import parse_moment

INVITEE_EVENTS = ("invitee.created", "invitee.canceled")


class CalendlyPayloadError(ValueError):
    """The webhook's data is not an invitee as Calendly sends it."""


def _text(source: dict[str, Any], name: str) -> str:
    value = source.get(name)
    return value.strip() if isinstance(value, str) else ""


def _required(source: dict[str, Any], name: str) -> str:
    value = _text(source, name)
    if not value:
        raise CalendlyPayloadError(f"payload.{name} is missing")
    return value


def _moment(source: dict[str, Any], name: str) -> datetime:
    try:
        return parse_moment(_required(source, name))
    except (TypeError, ValueError) as error:
        raise CalendlyPayloadError(f"payload.{name} is not a moment") from error


def _object(source: dict[str, Any], name: str) -> dict[str, Any]:
    value = source.get(name)
    return value if isinstance(value, dict) else {}


def _user_uris(data: dict[str, Any], event: dict[str, Any]) -> tuple[str, ...]:
    uris = [_text(data, "created_by")]
    memberships = event.get("event_memberships")
    if isinstance(memberships, list):
        uris += [_text(member, "user") for member in memberships if isinstance(member, dict)]
    return tuple(dict.fromkeys(uri for uri in uris if uri))


def invitee_from_webhook(data: dict[str, Any]) -> CalendlyInvitee:
    """The invitee of a Calendly webhook body (``{"event": ..., "created_by": ..., "payload": {...}}``)."""
    payload = data.get("payload")
    event = payload.get("scheduled_event") if isinstance(payload, dict) else None
    if not isinstance(payload, dict) or not isinstance(event, dict):
        raise CalendlyPayloadError("payload.scheduled_event is missing")
    kind = _required(data, "event")
    tracking = _object(payload, "tracking")
    cancellation = _object(payload, "cancellation")
    canceled = kind == "invitee.canceled"
    rescheduled = payload.get("rescheduled") is True
    name = (
        _text(payload, "name") or " ".join(filter(None, (_text(payload, "first_name"), _text(payload, "last_name"))))
    )[:200]
    return CalendlyInvitee(
        event=kind,
        user_uris=_user_uris(data, event),
        invitee_uri=_required(payload, "uri"),
        contact=Contact(
            email=_required(payload, "email")[:254],
            name=name,
            phone=_text(payload, "text_reminder_number")[:32],
            utm_source=_text(tracking, "utm_source"),
            utm_medium=_text(tracking, "utm_medium"),
            utm_campaign=_text(tracking, "utm_campaign"),
        ),
        event_uri=_required(event, "uri"),
        event_type_uri=_text(event, "event_type"),
        event_name=_text(event, "name"),
        start_at=_moment(event, "start_time"),
        end_at=_moment(event, "end_time"),
        reschedule_url=_text(payload, "reschedule_url"),
        cancel_url=_text(payload, "cancel_url"),
        occurred_at=_moment(payload, "updated_at" if canceled else "created_at"),
        cancel_reason=(_text(cancellation, "reason") or ("rescheduled" if rescheduled else "")) if canceled else "",
        rescheduled=rescheduled,
    )
