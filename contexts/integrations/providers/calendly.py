"""Calendly: ``Calendly-Webhook-Signature: t=<unix>,v1=<hex>``, v1 = HMAC-SHA256(signing key, "t.body").

A subscription made without a signing key sends no signature: we take none of those. Calendly
sends no event id, so the invitee's URI and the event name stand for one: an invitee is created
once and canceled once (a reschedule makes a new invitee).
"""

from __future__ import annotations

import hashlib

from contexts.integrations.errors import WebhookRejectedError
from contexts.integrations.providers import base

HEADER = "Calendly-Webhook-Signature"
SCHEME = "v1"


def verify(incoming: base.IncomingWebhook) -> base.VerifiedWebhook:
    signed = base.signed_header(incoming, header=HEADER, scheme=SCHEME)
    base.hmac_check(
        incoming,
        signed=f"{signed.timestamp}.".encode() + incoming.body,
        given=signed.signatures,
        timestamp=signed.timestamp,
        mismatch=f"The {HEADER} signature does not match the body.",
    )

    data = base.json_object(incoming)
    event_type = base.text_field(data, "event", where="event name (event)", max_length=200)
    payload = data.get("payload")
    if not isinstance(payload, dict):
        raise WebhookRejectedError("payload_invalid", "The payload has no payload object.")
    subject = payload.get("uri") if isinstance(payload.get("uri"), str) else ""
    subject = subject or hashlib.sha256(incoming.body).hexdigest()
    owners = incoming.settings.get("coachIdByOwner") or {}
    return base.VerifiedWebhook(
        provider_event_id=f"{event_type}:{subject}"[:500],
        event_type=event_type,
        data=data,
        coach_id=base.coach_id_from(owners.get(data.get("created_by")) if isinstance(owners, dict) else None),
        headers=base.kept_headers(incoming, HEADER),
    )
