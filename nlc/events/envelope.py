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
from uuid import UUID

from nlc.time import iso_z, parse_moment

ENVELOPE_FIELDS = ("eventId", "type", "occurredAt", "producer", "schemaVersion", "traceId", "source", "payload")


class BrokenEnvelopeError(ValueError):
    """A message that cannot be an event: not JSON, or fields missing or of the wrong kind."""


class PayloadFieldError(ValueError):
    """A handler asked for a payload field that is missing or not of the kind its contract says:
    retrying cannot help, so the dispatcher dead-letters the event at once."""


_MISSING: Any = object()


@dataclass(frozen=True)
class Event:
    """What a handler receives."""

    event_id: UUID
    type: str
    version: int
    occurred_at: datetime
    producer: str
    trace_id: str
    source: str
    payload: dict[str, Any]

    # Typed access to the payload, as its contract types it: ``event.uuid("coachId")``,
    # ``event.moment("paidAt")``, ``event.optional_uuid("clientId")``. A field that is missing or
    # malformed raises PayloadFieldError (the event is dead-lettered), never a bare KeyError.
    def value(self, name: str, default: Any = _MISSING) -> Any:
        if name in self.payload:
            return self.payload[name]
        if default is _MISSING:
            raise PayloadFieldError(f"{self.type} v{self.version} payload has no {name!r}")
        return default

    def text(self, name: str, default: str | None = None) -> str:
        value = self.value(name, default if default is not None else _MISSING)
        if value is None and default is not None:
            return default
        if not isinstance(value, str):
            raise PayloadFieldError(f"{self.type} payload field {name!r} is not a string")
        return value

    def optional_text(self, name: str) -> str | None:
        value = self.value(name, None)
        return None if value is None else self.text(name)

    def integer(self, name: str) -> int:
        value = self.value(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise PayloadFieldError(f"{self.type} payload field {name!r} is not an integer")
        return value

    def uuid(self, name: str) -> UUID:
        value = self.value(name)
        try:
            return uuid.UUID(str(value))
        except ValueError as error:
            raise PayloadFieldError(f"{self.type} payload field {name!r} is not a uuid: {value!r}") from error

    def optional_uuid(self, name: str) -> UUID | None:
        return None if self.value(name, None) is None else self.uuid(name)

    def moment(self, name: str) -> datetime:
        value = self.value(name)
        try:
            return parse_moment(str(value))
        except ValueError as error:
            raise PayloadFieldError(f"{self.type} payload field {name!r} is not a date-time: {value!r}") from error

    def optional_moment(self, name: str) -> datetime | None:
        return None if self.value(name, None) is None else self.moment(name)

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
        "occurredAt": iso_z(datetime.now(UTC)),
        "producer": producer,
        "schemaVersion": version,
        "traceId": trace_id,
        "source": source,
        "payload": payload,
    }


def parse_envelope(body: bytes | str) -> dict[str, Any]:
    """Decode a message body into an envelope, or raise BrokenEnvelopeError saying what is wrong."""
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BrokenEnvelopeError(f"body is not JSON: {error}") from error
    if not isinstance(envelope, dict):
        raise BrokenEnvelopeError("body is not a JSON object")
    missing = [name for name in ENVELOPE_FIELDS if name not in envelope]
    if missing:
        raise BrokenEnvelopeError(f"envelope lacks {', '.join(missing)}")
    try:
        uuid.UUID(str(envelope["eventId"]))
        datetime.fromisoformat(str(envelope["occurredAt"]))
    except ValueError as error:
        raise BrokenEnvelopeError(f"envelope has a bad eventId or occurredAt: {error}") from error
    if not isinstance(envelope["schemaVersion"], int) or isinstance(envelope["schemaVersion"], bool):
        raise BrokenEnvelopeError("envelope schemaVersion is not an integer")
    if not isinstance(envelope["type"], str) or not isinstance(envelope["payload"], dict):
        raise BrokenEnvelopeError("envelope type must be a string and payload an object")
    return envelope
