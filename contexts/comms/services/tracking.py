"""Mailgun's events about the messages comms sent (delivered, opened, clicked, failed, complained,
unsubscribed), as integrations hands on its verified webhooks: the message's status moves forward,
deliveries, opens, clicks, failures and complaints are published (a delivery and a complaint once per
message), bounces, complaints and unsubscribes go on the suppression list.

Each Mailgun event is applied once (claimed by its id). An event about a message comms does not know
(another sender on the domain, a message deleted) is recorded as ignored, with a log line.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from contexts.comms import events, selectors
from contexts.comms.errors import MailgunEventMalformedError
from contexts.comms.models import MailgunEvent, Message, MessageStatus, SuppressionReason
from contexts.comms.rules import status_after
from contexts.comms.services.suppression import suppression_add
from nlc.db.transactions import atomic
from nlc.providers.inbound import ProviderEventOutcome, provider_event_claim, provider_event_outcome

logger = logging.getLogger(__name__)
CONTEXT = "comms"


def mailgun_event_apply(*, provider_event_id: str, data: dict[str, Any]) -> str:
    """Apply one Mailgun webhook body (``{"signature": ..., "event-data": ...}``); what came of it:
    ``applied``, ``ignored`` (not about a message of ours, or nothing to do) or ``duplicate``."""
    event_data = data.get("event-data")
    if not isinstance(event_data, dict) or not isinstance(event_data.get("event"), str):
        raise MailgunEventMalformedError("the body has no event-data with an event")
    kind = event_data["event"]
    moment = _moment(event_data)
    with atomic(CONTEXT):
        # Mailgun's event ids are unique within a day: the time makes the claim unique for good.
        claim_id = f"{provider_event_id}:{int(moment.timestamp())}"
        if not provider_event_claim(
            MailgunEvent, provider_event_id=claim_id, event_type=kind, provider_created_at=moment
        ):
            return "duplicate"
        message = _message_of(event_data)
        if message is None:
            logger.info("mailgun event for an unknown message", extra={"mailgun_event_id": provider_event_id})
            provider_event_outcome(
                MailgunEvent, provider_event_id=claim_id, outcome=ProviderEventOutcome.IGNORED, note="unknown message"
            )
            return "ignored"
        if message.erased_at is not None:
            # Its recipient was erased since: nothing of theirs is kept, nothing is published.
            provider_event_outcome(
                MailgunEvent, provider_event_id=claim_id, outcome=ProviderEventOutcome.IGNORED, note="erased recipient"
            )
            return "ignored"
        applied = _APPLY.get(kind, _nothing)(message, event_data, moment)
        if not applied:
            provider_event_outcome(
                MailgunEvent,
                provider_event_id=claim_id,
                outcome=ProviderEventOutcome.IGNORED,
                note=f"{kind}: nothing to do",
            )
            return "ignored"
    return "applied"


def _moment(event_data: dict[str, Any]) -> datetime:
    try:
        return datetime.fromtimestamp(float(event_data["timestamp"]), tz=UTC)
    except (KeyError, TypeError, ValueError) as error:
        raise MailgunEventMalformedError("the event has no timestamp") from error


def _message_of(event_data: dict[str, Any]) -> Message | None:
    variables = event_data.get("user-variables")
    variables = variables if isinstance(variables, dict) else {}
    message = event_data.get("message")
    headers = message.get("headers") if isinstance(message, dict) else None
    found = selectors.message_by_provider_reference(
        message_id=str(variables.get("nlc_message_id") or "") or None,
        provider_message_id=headers.get("message-id") if isinstance(headers, dict) else None,
    )
    if found is None:
        return None
    return Message.objects.select_for_update().get(id=found.id)


def _advance(message: Message, status: str, *, stamp: str, moment: datetime) -> None:
    message.status = status_after(message.status, status)
    if getattr(message, stamp) is None:
        setattr(message, stamp, moment)
    message.save()


def _delivered(message: Message, event_data: dict[str, Any], moment: datetime) -> bool:
    first = message.delivered_at is None
    _advance(message, MessageStatus.DELIVERED, stamp="delivered_at", moment=moment)
    if first:  # Mailgun may report a delivery again (a retried webhook): published once per message
        events.email_delivered_publish(message=message, delivered_at=moment)
    return True


def _opened(message: Message, event_data: dict[str, Any], moment: datetime) -> bool:
    _advance(message, MessageStatus.OPENED, stamp="opened_at", moment=moment)
    events.email_opened_publish(message=message, opened_at=moment)
    return True


def _clicked(message: Message, event_data: dict[str, Any], moment: datetime) -> bool:
    url = event_data.get("url")
    _advance(message, MessageStatus.CLICKED, stamp="clicked_at", moment=moment)
    if isinstance(url, str) and url:
        events.email_clicked_publish(message=message, url=url, clicked_at=moment)
    return True


def _failed(message: Message, event_data: dict[str, Any], moment: datetime) -> bool:
    severity = "permanent" if event_data.get("severity") == "permanent" else "temporary"
    status = event_data.get("delivery-status")
    status = status if isinstance(status, dict) else {}
    reason = str(status.get("description") or status.get("message") or event_data.get("reason") or "unknown")
    if severity == "permanent":
        # The address does not take mail: no one on the platform writes to it again.
        _advance(message, MessageStatus.BOUNCED, stamp="failed_at", moment=moment)
        suppression_add(
            email=message.recipient_email, coach_id=None, reason=SuppressionReason.HARD_BOUNCE, message=message
        )
    events.email_failed_publish(message=message, severity=severity, reason=reason, failed_at=moment)
    return True


def _complained(message: Message, event_data: dict[str, Any], moment: datetime) -> bool:
    first = message.status != MessageStatus.COMPLAINED
    _advance(message, MessageStatus.COMPLAINED, stamp="failed_at", moment=moment)
    suppression_add(
        email=message.recipient_email, coach_id=message.coach_id, reason=SuppressionReason.COMPLAINT, message=message
    )
    if first:  # published once per message, however often the complaint is reported
        events.email_complained_publish(message=message, complained_at=moment)
    return True


def _unsubscribed(message: Message, event_data: dict[str, Any], moment: datetime) -> bool:
    if message.unsubscribed_at is None:
        message.unsubscribed_at = moment
        message.save(update_fields=["unsubscribed_at", "updated_at"])
    suppression_add(
        email=message.recipient_email, coach_id=message.coach_id, reason=SuppressionReason.UNSUBSCRIBE, message=message
    )
    return True


def _nothing(message: Message, event_data: dict[str, Any], moment: datetime) -> bool:
    return False


_APPLY = {
    "delivered": _delivered,
    "opened": _opened,
    "clicked": _clicked,
    "failed": _failed,
    "complained": _complained,
    "unsubscribed": _unsubscribed,
}
