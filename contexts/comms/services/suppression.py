"""The suppression list, and the one-click unsubscribe of marketing mail (RFC 8058).

A coach's list stops that coach's marketing mail to an address; a platform-wide entry (no coach)
stops everyone's. Transactional mail (a reset, a receipt) still goes, unless the address hard-bounced.
"""

from __future__ import annotations

import logging
from uuid import UUID

from django.core import signing
from django.db import IntegrityError
from django.utils import timezone

from contexts.comms.errors import UnsubscribeLinkInvalidError, UnsubscribeLinkUsedError
from contexts.comms.models import Message, Suppression
from contexts.comms.services.sending import UNSUBSCRIBE_SALT
from nlc.db.transactions import atomic

logger = logging.getLogger(__name__)
CONTEXT = "comms"


def suppression_add(*, email: str, coach_id: UUID | None, reason: str, message: Message | None = None) -> Suppression:
    """Suppress ``email`` for ``coach_id`` (None: the whole platform); an entry there already stays."""
    email = email.strip().lower()
    with atomic(CONTEXT):
        existing = Suppression.objects.filter(coach_id=coach_id, email=email).first()
        if existing is not None:
            return existing
        try:
            with atomic(CONTEXT):
                return Suppression.objects.create(coach_id=coach_id, email=email, reason=reason, message=message)
        except IntegrityError:  # suppressed by a concurrent event just now
            return Suppression.objects.get(coach_id=coach_id, email=email)


def unsubscribe_apply(*, token: str) -> Message:
    """The recipient of the message the signed ``token`` names gets no more marketing mail from its
    coach (from the platform, for platform mail). A link works once; a forged one never."""
    try:
        message_id = UUID(signing.loads(token, salt=UNSUBSCRIBE_SALT)["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise UnsubscribeLinkInvalidError from error
    with atomic(CONTEXT):
        message = Message.objects.select_for_update().filter(id=message_id).first()
        if message is None:
            raise UnsubscribeLinkInvalidError
        if message.unsubscribed_at is not None:
            raise UnsubscribeLinkUsedError
        message.unsubscribed_at = timezone.now()
        message.save(update_fields=["unsubscribed_at", "updated_at"])
        suppression_add(email=message.recipient_email, coach_id=message.coach_id, reason="unsubscribe", message=message)
    logger.info("unsubscribed", extra={"message_id": str(message.id)})
    return message
