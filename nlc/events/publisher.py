"""``publish()``: an event exists if and only if the change that caused it committed.

The caller owns the transaction on its own context's alias; publish() validates the payload against
its contract and writes an outbox row in that transaction. After commit the backend moves it on:
the relay (RabbitMQ) is nudged with a PostgreSQL NOTIFY, or the inline backend delivers it locally.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from nlc.db.router import alias_for_context
from nlc.events.backends import backend
from nlc.events.contracts import registry
from nlc.events.envelope import make_envelope
from nlc.events.models import OutboxEvent
from nlc.observability.context import trace_id_var
from nlc.observability.tracing import current_trace_id


class PublishError(RuntimeError):
    """publish() was called where it cannot keep its promise (no transaction, wrong context)."""


def publish(
    event_type: str,
    payload: dict[str, Any],
    *,
    aggregate_id: str | UUID | None = None,
    version: int | None = None,
    source: str | None = None,
    context: str | None = None,
) -> dict[str, Any]:
    """Write ``event_type`` with ``payload`` to the producing context's outbox; return the envelope.

    ``context`` names the publishing context when it is not the contract's producer, which only a
    request type allows (``x-publishers``, e.g. notify.user): the row goes to that context's outbox
    and the envelope's producer names it. Raises PublishError outside a transaction on the
    publisher's alias or for a context the contract does not let publish, and ContractViolationError
    (with nothing written) when the payload breaks the contract.
    """
    contract = registry().get(event_type, version)
    producer = context or contract.producer
    if not contract.may_publish(producer):
        raise PublishError(f"{event_type} is published by {contract.producer} only, not by {producer}")
    if producer not in settings.NLC_CONTEXTS:
        raise PublishError(f"{event_type} is published by {producer}, which this process does not run")
    alias = alias_for_context(producer)
    if not transaction.get_connection(alias).in_atomic_block:
        raise PublishError(
            f"publish({event_type!r}) must run inside transaction.atomic(using={alias!r}), "
            "so the event commits with the change that caused it"
        )
    # Services may pass UUIDs, datetimes and decimals; the contract sees their JSON form.
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    contract.validate(payload)
    envelope = make_envelope(
        event_type=event_type,
        version=contract.version,
        producer=producer,
        payload=payload,
        trace_id=trace_id_var.get() or current_trace_id() or make_trace_id(),
        source=source or f"nlc/{producer}",
    )
    OutboxEvent.objects.using(alias).create(
        event_id=envelope["eventId"],
        event_type=event_type,
        schema_version=contract.version,
        aggregate_id=str(aggregate_id) if aggregate_id is not None else None,
        envelope=envelope,
    )
    backend().after_publish(alias=alias, context=producer)
    return envelope


def make_trace_id() -> str:
    return uuid.uuid4().hex
