"""Mailgun: the signature is in the JSON body, ``{"signature": {"timestamp", "token", "signature"},
"event-data": {...}}``, with signature = HMAC-SHA256(signing key, timestamp + token) in hex.

It does not cover the event data, so a captured signature could be replayed with other data:
the timestamp must be recent, and each token is taken once (intake stores it with the webhook under
a unique constraint; a second webhook with the same token is refused as ``token_reused``).
"""

from __future__ import annotations

from contexts.integrations.errors import WebhookRejectedError
from contexts.integrations.providers import base


def verify(incoming: base.IncomingWebhook) -> base.VerifiedWebhook:
    data = base.json_object(incoming)
    signature = data.get("signature")
    if signature is None:
        raise WebhookRejectedError("signature_missing", "The body has no signature object.")
    if not isinstance(signature, dict) or not all(
        isinstance(signature.get(name), str) and signature.get(name) for name in ("timestamp", "token", "signature")
    ):
        raise WebhookRejectedError("signature_malformed", "The signature object needs timestamp, token and signature.")
    try:
        timestamp = int(signature["timestamp"])
    except ValueError as error:
        raise WebhookRejectedError("signature_malformed", "The signature's timestamp is not a number.") from error
    token = signature["token"]
    if len(token) > 200:
        raise WebhookRejectedError("signature_malformed", "The signature's token is too long.")
    base.hmac_check(
        incoming,
        signed=f"{signature['timestamp']}{token}".encode(),
        given=[signature["signature"]],
        timestamp=timestamp,
        mismatch="The signature does not match the timestamp and token.",
    )

    event_data = data.get("event-data")
    if not isinstance(event_data, dict):
        raise WebhookRejectedError("payload_invalid", "The payload has no event-data object.")
    variables = event_data.get("user-variables")
    variables = variables if isinstance(variables, dict) else {}
    return base.VerifiedWebhook(
        provider_event_id=base.text_field(event_data, "id", where="event id (event-data.id)", max_length=500),
        event_type=base.text_field(event_data, "event", where="event type (event-data.event)", max_length=200),
        data=data,
        coach_id=base.coach_id_from(variables.get("coach_id") or variables.get("coachId")),
        signature_token=token,
        headers=base.kept_headers(incoming),
    )
