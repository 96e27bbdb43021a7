"""Calendly: ``Calendly-Webhook-Signature: t=<unix>,v1=<hex>``, v1 = HMAC-SHA256(signing key, "t.body").

A subscription made without a signing key sends no signature: we take none of those. Calendly
sends no event id, so the invitee's URI and the event name stand for one: an invitee is created
once and canceled once (a reschedule makes a new invitee).
"""

from __future__ import annotations

import hashlib

from contexts.integrations.errors import WebhookRejected
from contexts.integrations.providers.base import (
    IncomingWebhook,
    VerifiedWebhook,
    any_signature_matches,
    coach_id_from,
    freshness_check,
    hmac_sha256_hex,
    json_object,
    kept_headers,
    signature_items,
    signed_timestamp,
    text_field,
)

HEADER = "Calendly-Webhook-Signature"
SCHEME = "v1"


def verify(incoming: IncomingWebhook) -> VerifiedWebhook:
    header = incoming.headers.get(HEADER)
    if not header:
        raise WebhookRejected("signature_missing", f"The {HEADER} header is missing.")
    items = signature_items(header)
    timestamp = signed_timestamp(items, header=HEADER)
    signatures = [value for key, value in items if key == SCHEME]
    if not signatures:
        raise WebhookRejected("signature_malformed", f"The {HEADER} header has no {SCHEME} signature.")
    signed = f"{timestamp}.".encode() + incoming.body
    expected = [hmac_sha256_hex(key, signed) for key in incoming.secrets]
    if not any_signature_matches(expected, signatures):
        raise WebhookRejected("signature_invalid", f"The {HEADER} signature does not match the body.")
    freshness_check(incoming, timestamp)

    data = json_object(incoming)
    event_type = text_field(data, "event", where="event name (event)", max_length=200)
    payload = data.get("payload")
    if not isinstance(payload, dict):
        raise WebhookRejected("payload_invalid", "The payload has no payload object.")
    subject = payload.get("uri") if isinstance(payload.get("uri"), str) else ""
    subject = subject or hashlib.sha256(incoming.body).hexdigest()
    owners = incoming.settings.get("coachIdByOwner") or {}
    return VerifiedWebhook(
        provider_event_id=f"{event_type}:{subject}"[:500],
        event_type=event_type,
        data=data,
        coach_id=coach_id_from(owners.get(data.get("created_by")) if isinstance(owners, dict) else None),
        headers=kept_headers(incoming, HEADER),
    )
