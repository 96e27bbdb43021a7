"""Mailgun: the signature is in the JSON body, ``{"signature": {"timestamp", "token", "signature"},
"event-data": {...}}``, with signature = HMAC-SHA256(signing key, timestamp + token) in hex.

It does not cover the event data, so a captured signature could be replayed with other data:
the timestamp must be recent, and each token is taken once (intake stores it with the webhook under
a unique constraint; a second webhook with the same token is refused as ``token_reused``).
"""

from __future__ import annotations

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
    text_field,
)


def verify(incoming: IncomingWebhook) -> VerifiedWebhook:
    data = json_object(incoming)
    signature = data.get("signature")
    if signature is None:
        raise WebhookRejected("signature_missing", "The body has no signature object.")
    if not isinstance(signature, dict) or not all(
        isinstance(signature.get(name), str) and signature.get(name) for name in ("timestamp", "token", "signature")
    ):
        raise WebhookRejected("signature_malformed", "The signature object needs timestamp, token and signature.")
    try:
        timestamp = int(signature["timestamp"])
    except ValueError as error:
        raise WebhookRejected("signature_malformed", "The signature's timestamp is not a number.") from error
    token = signature["token"]
    if len(token) > 200:
        raise WebhookRejected("signature_malformed", "The signature's token is too long.")
    signed = f"{signature['timestamp']}{token}".encode()
    expected = [hmac_sha256_hex(key, signed) for key in incoming.secrets]
    if not any_signature_matches(expected, [signature["signature"]]):
        raise WebhookRejected("signature_invalid", "The signature does not match the timestamp and token.")
    freshness_check(incoming, timestamp)

    event_data = data.get("event-data")
    if not isinstance(event_data, dict):
        raise WebhookRejected("payload_invalid", "The payload has no event-data object.")
    variables = event_data.get("user-variables")
    variables = variables if isinstance(variables, dict) else {}
    return VerifiedWebhook(
        provider_event_id=text_field(event_data, "id", where="event id (event-data.id)", max_length=500),
        event_type=text_field(event_data, "event", where="event type (event-data.event)", max_length=200),
        data=data,
        coach_id=coach_id_from(variables.get("coach_id") or variables.get("coachId")),
        signature_token=token,
        headers=kept_headers(incoming),
    )
