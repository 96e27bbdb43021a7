"""Dead letters kept in the consuming context's own schema, with the reason and the attempts.

This is the store only (rows). Sending dead letters back (requeue), dropping them (purge) and
replaying stored events are the backend's: ``nlc.events.backends.backend()``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from nlc.db.router import alias_for_context
from nlc.events import metrics
from nlc.events.models import DeadLetter

# Sent inside the transaction that records a dead letter (context=, letter=): nlc.events.notices asks
# notifications to tell the admins.
dead_lettered = Signal()


def record_dead_letter(
    context: str,
    *,
    reason: str,
    attempts: int,
    envelope: dict[str, Any] | None = None,
    body: bytes | str | None = None,
) -> DeadLetter:
    if body is None:
        body = json.dumps(envelope)
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    event_type = (envelope or {}).get("type", "") if isinstance(envelope, dict) else ""
    alias = alias_for_context(context)
    with transaction.atomic(using=alias):
        letter = DeadLetter.objects.using(alias).create(
            event_id=(envelope or {}).get("eventId") if isinstance(envelope, dict) else None,
            event_type=str(event_type)[:120],
            body=body,
            reason=reason[:10_000],
            attempts=attempts,
            last_attempt_at=timezone.now(),
        )
        dead_lettered.send(sender=DeadLetter, context=context, letter=letter)
    metrics.dead_lettered.labels(context, event_type or "unreadable").inc()
    return letter


def dead_letters_of(context: str) -> QuerySet[DeadLetter]:
    """Every dead letter of one context (its own schema), any status."""
    return DeadLetter.objects.using(alias_for_context(context)).all()


def dead_letter_find(letter_id: str, *, contexts: Iterable[str] | None = None) -> tuple[str, DeadLetter] | None:
    """The dead letter with this id and the context that holds it, looked up across the enabled
    contexts (or only ``contexts``); None when no context has it or the id is not a UUID."""
    try:
        key = uuid.UUID(str(letter_id))
    except ValueError:
        return None
    for context in contexts or settings.NLC_CONTEXTS:
        letter = dead_letters_of(context).filter(pk=key).first()
        if letter is not None:
            return context, letter
    return None


def envelope_of(letter: DeadLetter) -> dict[str, Any] | None:
    """The stored envelope of a dead letter; None when its body is not JSON (a broken message)."""
    try:
        envelope = json.loads(letter.body)
    except ValueError:
        return None
    return envelope if isinstance(envelope, dict) else None
