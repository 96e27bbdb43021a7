"""Erasure (``leads.client.erased``): what comms holds about a coach's person is removed or emptied, and
that coach never mails them again.

- Their messages keep what the coach's numbers need (status, template, moments) and lose the
  address, the name and the rendered content; one still waiting to be sent is ``suppressed``.
- Their sequence runs exit (``erased``) and lose the address; a scheduled e-mail to them is cancelled
  and emptied; their contact and course memberships (segments) and the coach's suppression entries
  of their address go.
- An ``ErasedClient`` row (the coach and the clientId, no address: the clientId is the hash of the
  coach and the normalized address) makes every later send of that coach to the address
  ``suppressed`` (``selectors.suppression_reason_for``, and again when a send is claimed).

Another coach's rows are never touched, even with the same address; a platform-wide hard bounce
stays (the address does not take mail, whoever writes). Applying it again changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_
from uuid import UUID

from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from contexts.comms.models import (
    ClientContact,
    CourseMember,
    ErasedClient,
    Message,
    MessageStatus,
    RunStatus,
    ScheduledEmail,
    ScheduledStatus,
    SequenceRun,
    Suppression,
)
from contexts.comms.selectors import ERASED
from contexts.comms.services.sending import ERASED_FIELDS
from nlc.clients import client_id_for
from nlc.db.transactions import atomic

logger = logging.getLogger(__name__)
CONTEXT = "comms"


@dataclass(frozen=True)
class Erasure:
    """What one erasure changed."""

    messages: int
    messages_cancelled: int
    runs: int
    scheduled_emails: int


def client_erase(*, coach_id: UUID, client_id: UUID, erased_at: datetime) -> Erasure:
    """Erase the coach's person ``client_id`` from comms, and keep them from the coach's mail."""
    now = timezone.now()
    with atomic(CONTEXT):
        ErasedClient.objects.get_or_create(coach_id=coach_id, client_id=client_id, defaults={"erased_at": erased_at})
        addresses = _addresses(coach_id=coach_id, client_id=client_id)
        for address in addresses:
            # The same person under an address whose derived id is another (a payment that named
            # its own clientId): kept from the coach's mail too.
            ErasedClient.objects.get_or_create(
                coach_id=coach_id,
                client_id=client_id_for(coach_id=coach_id, email=address),
                defaults={"erased_at": erased_at},
            )
        theirs = Q(client_id=client_id) | _any_address(addresses, field="recipient_email")
        messages = Message.objects.filter(theirs, coach_id=coach_id, erased_at__isnull=True)
        waiting = Q(status__in=(MessageStatus.QUEUED, MessageStatus.SENDING))
        cancelled = messages.filter(waiting).count()
        # A send in flight finds its claim gone (no longer ``sending``) and writes nothing back.
        erased_messages = messages.update(
            status=Case(When(waiting, then=Value(MessageStatus.SUPPRESSED)), default=F("status")),
            last_error=Case(When(waiting, then=Value(f"suppressed: {ERASED}")), default=Value("")),
            next_attempt_at=None,
            erased_at=now,
            updated_at=now,
            **ERASED_FIELDS,
        )
        runs = SequenceRun.objects.filter(theirs, coach_id=coach_id).exclude(recipient_email="")
        active = Q(status=RunStatus.ACTIVE)
        erased_runs = runs.update(
            status=Case(When(active, then=Value(RunStatus.EXITED)), default=F("status")),
            exit_reason=Case(When(active, then=Value(ERASED)), default=F("exit_reason")),
            ended_at=Case(When(active, then=Value(now)), default=F("ended_at")),
            next_send_at=None,
            recipient_email="",
            recipient_name="",
            updated_at=now,
        )
        scheduled = ScheduledEmail.objects.filter(_any_address(addresses, field="to_email"), coach_id=coach_id)
        erased_scheduled = scheduled.update(
            status=Case(
                When(status=ScheduledStatus.SCHEDULED, then=Value(ScheduledStatus.CANCELLED)), default=F("status")
            ),
            to_email="",
            to_name="",
            data={},
            updated_at=now,
        )
        Suppression.objects.filter(_any_address(addresses, field="email"), coach_id=coach_id).delete()
        ClientContact.objects.filter(coach_id=coach_id, client_id=client_id).delete()
        CourseMember.objects.filter(coach_id=coach_id, client_id=client_id).delete()
    erasure = Erasure(
        messages=erased_messages, messages_cancelled=cancelled, runs=erased_runs, scheduled_emails=erased_scheduled
    )
    logger.info(
        "client erased",
        extra={"coach_id": str(coach_id), "client_id": str(client_id), **erasure.__dict__},
    )
    return erasure


def _addresses(*, coach_id: UUID, client_id: UUID) -> set[str]:
    """Every address comms has for the coach's person (normalized)."""
    found = {
        *ClientContact.objects.filter(coach_id=coach_id, client_id=client_id).values_list("email", flat=True),
        *Message.objects.filter(coach_id=coach_id, client_id=client_id).values_list("recipient_email", flat=True),
        *SequenceRun.objects.filter(coach_id=coach_id, client_id=client_id).values_list("recipient_email", flat=True),
    }
    return {address.strip().lower() for address in found if address.strip()}


def _any_address(addresses: set[str], *, field: str) -> Q:
    """``field`` is one of ``addresses`` (any case); matches nothing when there is none."""
    if not addresses:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__iexact": address}) for address in sorted(addresses)))
