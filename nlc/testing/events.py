"""Events for consumer tests: envelopes as their producers publish them, delivered as the bus does."""

from __future__ import annotations

import uuid
from typing import Any

from nlc.events.contracts import registry
from nlc.events.dispatch import dispatch
from nlc.events.envelope import make_envelope


def envelope_for(event_type: str, payload: dict[str, Any], *, version: int = 1, validate: bool = True) -> dict:
    """The envelope the producer of ``event_type`` would publish with ``payload`` (checked against
    its contract first, so a test can not feed a consumer what no producer may send)."""
    if validate:
        registry().get(event_type, version).validate(payload)
    return make_envelope(
        event_type=event_type,
        version=version,
        producer=event_type.split(".", 1)[0],
        payload=payload,
        trace_id=uuid.uuid4().hex,
        source=f"nlc/{event_type.split('.', 1)[0]}",
    )


def deliver(context: str, envelope: dict) -> int:
    """Apply ``envelope`` to ``context``'s handlers exactly as a consumer does (inbox included);
    returns how many handlers applied it now."""
    return dispatch(context, envelope)
