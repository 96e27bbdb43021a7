"""The envelope every message carries, on the wire and in the outbox.

``{eventId, type, occurredAt, producer, schemaVersion, traceId, source, payload}`` as plain JSON, so
a lifted-out context, or a service in another language, consumes it as is.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

ENVELOPE_FIELDS = ("eventId", "type", "occurredAt", "producer", "schemaVersion", "traceId", "source", "payload")


class BrokenEnvelope(ValueError):
    """A message that cannot be an event: not JSON, or fields missing or of the wrong kind."""


@dataclass(frozen=True)
class Event:
    """What a handler receives."""

    event_id: uuid.UUID
    type: str
    version: int
    occurred_at: datetime
    producer: str
    trace_id: str
    source: str
    payload: dict[str, Any]

    @classmethod
    def from_envelope(cls, envelope: dict[str, Any]) -> Event:
        return cls(
            event_id=uuid.UUID(envelope["eventId"]),
            type=envelope["type"],
            version=envelope["schemaVersion"],
            occurred_at=datetime.fromisoformat(envelope["occurredAt"]),
            producer=envelope["producer"],
            trace_id=envelope["traceId"],
            source=envelope["source"],
            payload=envelope["payload"],
        )


def make_envelope(
    *, event_type: str, version: int, producer: str, payload: dict, trace_id: str, source: str
) -> dict[str, Any]:
    return {
        "eventId": str(uuid.uuid4()),
        "type": event_type,
        "occurredAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "producer": producer,
        "schemaVersion": version,
        "traceId": trace_id,
        "source": source,
        "payload": payload,
    }


def parse_envelope(body: bytes | str) -> dict[str, Any]:
    """Decode a message body into an envelope, or raise BrokenEnvelope saying what is wrong."""
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BrokenEnvelope(f"body is not JSON: {error}") from error
    if not isinstance(envelope, dict):
        raise BrokenEnvelope("body is not a JSON object")
    missing = [name for name in ENVELOPE_FIELDS if name not in envelope]
    if missing:
        raise BrokenEnvelope(f"envelope lacks {', '.join(missing)}")
    try:
        uuid.UUID(str(envelope["eventId"]))
        datetime.fromisoformat(str(envelope["occurredAt"]))
    except ValueError as error:
        raise BrokenEnvelope(f"envelope has a bad eventId or occurredAt: {error}") from error
    if not isinstance(envelope["schemaVersion"], int) or isinstance(envelope["schemaVersion"], bool):
        raise BrokenEnvelope("envelope schemaVersion is not an integer")
    if not isinstance(envelope["type"], str) or not isinstance(envelope["payload"], dict):
        raise BrokenEnvelope("envelope type must be a string and payload an object")
    return envelope
