"""Admins hear of every dead letter: when a context gives up on an event, the kernel asks
notifications for a notice through the ``notify.admins`` request type, published from that context's
own outbox in the transaction that records the dead letter (docs/decisions/0009).

A dead-lettered ``notify.*`` request raises no notice (no loop), and a notice that cannot be
published is logged and never costs the dead letter itself.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from nlc.db.router import alias_for_context
from nlc.events.contracts import UnknownContractError, registry
from nlc.events.dead_letters import dead_lettered
from nlc.events.models import DeadLetter
from nlc.events.publisher import publish

logger = logging.getLogger(__name__)

NOTICE_TYPE = "notify.admins"
KIND = "event_dead_lettered"


def dead_letter_notice(letter: DeadLetter, *, context: str) -> dict[str, Any]:
    event_type = letter.event_type or "an unreadable message"
    return {
        "notificationId": str(letter.id),
        "kind": KIND,
        "title": f"{context} gave up on {event_type}"[:200],
        "body": f"After {letter.attempts} attempt{'s' if letter.attempts != 1 else ''}: {letter.reason}"[:2000],
        "link": f"/admin/nlc_events/deadletter/{letter.id}/change/",
        "createdAt": letter.last_attempt_at or timezone.now(),
    }


def notify_admins_of_dead_letter(sender: Any, *, context: str, letter: DeadLetter, **kwargs: Any) -> None:
    if letter.event_type.startswith("notify."):
        return
    try:
        registry().get(NOTICE_TYPE)
    except UnknownContractError:
        return
    try:
        with transaction.atomic(using=alias_for_context(context)):
            notice = dead_letter_notice(letter, context=context)
            publish(NOTICE_TYPE, notice, aggregate_id=str(letter.id), context=context)
    except Exception:
        logger.exception("could not ask for a dead-letter notice", extra={"context": context, "letter": str(letter.id)})


def connect() -> None:
    dead_lettered.connect(notify_admins_of_dead_letter, dispatch_uid="nlc.events.notices.dead_letter")
