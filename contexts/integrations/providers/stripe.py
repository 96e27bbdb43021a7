"""Stripe: ``Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]``, v1 = HMAC-SHA256(secret, "t.body").

The signature is checked by the stripe library (``WebhookSignature.verify_header``) once per active
secret; Stripe sends one v1 per secret of its own while a secret is being rolled, and any match
passes. The timestamp window is ours: stripe-python refuses only old timestamps, we also refuse
ones too far in the future.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import stripe

from contexts.integrations.errors import WebhookRejectedError
from contexts.integrations.providers import base

HEADER = "Stripe-Signature"
SCHEME = "v1"


def verify(incoming: base.IncomingWebhook) -> base.VerifiedWebhook:
    signed = base.signed_header(incoming, header=HEADER, scheme=SCHEME)
    payload = incoming.text()
    if not any(_matches(payload, signed.value, secret) for secret in incoming.secrets):
        raise WebhookRejectedError("signature_invalid", f"The {HEADER} signature does not match the body.")
    base.freshness_check(incoming, signed.timestamp)

    data = base.json_object(incoming)
    return base.VerifiedWebhook(
        provider_event_id=base.text_field(data, "id", where="event id (id)", max_length=500),
        event_type=base.text_field(data, "type", where="event type (type)", max_length=200),
        data=data,
        coach_id=_coach_id(data),
        headers=base.kept_headers(incoming, HEADER),
    )


def _matches(payload: str, header: str, secret: str) -> bool:
    try:
        # The window is checked afterwards (ours refuses future timestamps too).
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=None)
    except stripe.SignatureVerificationError:
        return False
    return True


def _coach_id(data: dict[str, Any]) -> UUID | None:
    """The coach named in the object's metadata (billing sets it on what it creates in Stripe)."""
    obj = (data.get("data") or {}).get("object") if isinstance(data.get("data"), dict) else None
    if not isinstance(obj, dict):
        return None
    candidates = [obj.get("metadata")]
    for path in (("subscription_details",), ("parent", "subscription_details")):
        node: Any = obj
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            candidates.append(node.get("metadata"))
    for metadata in candidates:
        if isinstance(metadata, dict):
            for key in ("coach_id", "coachId"):
                coach_id = base.coach_id_from(metadata.get(key))
                if coach_id:
                    return coach_id
    return None
