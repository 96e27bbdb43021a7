"""Idempotency keys for writes to a provider: the same change always sends the same key, so a
retry (ours, the SDK's, or a redelivered event's) never makes a second object."""

from __future__ import annotations

import uuid

PREFIX = "nlc"


def idempotency_key(*parts: object) -> str:
    """``idempotency_key("plan", plan.id, "price")`` -> ``nlc-plan-<id>-price``: stable for the
    same change. Add a version or a fresh uuid as a part when the *same* change may be made again."""
    if not parts:
        raise ValueError("an idempotency key names the change it protects")
    return "-".join([PREFIX, *(str(part) for part in parts)])[:255]


def fresh_idempotency_key(*parts: object) -> str:
    """A key for a change that is new every time it is asked for (it still protects the SDK's own
    network retries of this one call)."""
    return idempotency_key(*parts, uuid.uuid4().hex)
