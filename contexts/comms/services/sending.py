"""A message's life up to the provider: made from a template and stored (``message_queue``), then sent
by a Celery task on comms' queue (``message_deliver``), retried while the provider may recover.

Exactly once, as far as comms can make it:
- one triggering event and template make at most one row (a unique constraint, in the transaction
  of the event's inbox row), so a redelivered event or two racing workers queue one message;
- a send is claimed (``queued`` -> ``sending``, row locked, ``SKIP LOCKED``) and committed before the
  provider is called, so two tasks for the same message call the provider once;
- a worker that dies between the provider's answers and the status write of its batch leaves those
  rows ``sending``; after ``COMMS_SEND_STALE_SECONDS`` the sweeper sends them again. Mailgun's send API
  has no idempotency key, so those messages may arrive twice: a duplicate is preferred to a lost reset
  link (docs/decisions/0005: the crash window).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any
from uuid import UUID

from celery import current_app
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError
from django.db.models import Case, CharField, F, JSONField, Q, QuerySet, TextField, Value, When
from django.utils import timezone

from contexts.comms import events, selectors
from contexts.comms.data import OutgoingEmail
from contexts.comms.errors import TemplateMissingError
from contexts.comms.models import Category, Message, MessageStatus
from contexts.comms.providers import email_provider, email_provider_name
from contexts.comms.rendering import render_email
from nlc.clients import client_id_for
from nlc.db.transactions import atomic, on_commit
from nlc.errors import ProviderError

logger = logging.getLogger(__name__)
CONTEXT = "comms"
SEND_TASK = "comms.message_send"
UNSUBSCRIBE_SALT = "comms.unsubscribe"
REDACTED = "[link removed after sending]"
MAX_RETRY_SECONDS = 3600
TERMINAL = frozenset({MessageStatus.FAILED, MessageStatus.SUPPRESSED})
# What is left of a message to a person erased: no address, no name, no content.
ERASED_FIELDS: dict[str, Any] = {
    "recipient_email": "",
    "recipient_name": "",
    "subject": "",
    "text_body": "",
    "html_body": "",
    "secrets": [],
}


def message_queue(
    *,
    key: str,
    to_email: str,
    context: dict[str, Any],
    to_name: str = "",
    coach_id: UUID | None = None,
    client_id: UUID | None = None,
    trigger_event_id: UUID | None = None,
    trigger_event_type: str = "",
    sequence_id: UUID | None = None,
    secrets: tuple[str, ...] = (),
    sender_coach_id: UUID | None = None,
) -> Message:
    """Store the message ``key`` renders for ``to_email`` and send it once this transaction commits.

    Answers the message already made for the same triggering event and template, if there is one. An
    address suppressed for this kind of mail gets a ``suppressed`` row, and nothing is sent. Mail a
    coach sends its clients (``sender_coach_id``) is signed with the coach's sender identity.
    """
    if trigger_event_id is not None:
        existing = Message.objects.filter(trigger_event_id=trigger_event_id, template_key=key).first()
        if existing is not None:
            return existing
    template = selectors.template_resolve(key=key, coach_id=coach_id)
    if template is None:
        raise TemplateMissingError(f"no template {key!r} for coach {coach_id or '-'} nor the platform")
    rendered = render_email(
        subject=template.subject, text_body=template.text_body, html_body=template.html_body, context=context
    )
    suppressed = selectors.suppression_reason_for(email=to_email, coach_id=coach_id, category=template.category)
    identity = selectors.sender_identity_get(coach_id=sender_coach_id) if sender_coach_id else None
    fields = {
        "coach_id": coach_id,
        "client_id": client_id,
        "recipient_email": to_email,
        "recipient_name": " ".join(to_name.split())[:200],
        "category": template.category,
        "template_key": key,
        "template_version": template.version,
        "template_coach_id": template.coach_id,
        "subject": rendered.subject,
        "text_body": rendered.text_body,
        "html_body": rendered.html_body,
        "from_name": identity.from_name if identity else settings.COMMS_FROM_NAME,
        "reply_to": identity.reply_to if identity else "",
        "trigger_event_id": trigger_event_id,
        "trigger_event_type": trigger_event_type,
        "sequence_id": sequence_id,
        "secrets": [secret for secret in secrets if secret],
        "provider": email_provider_name(),
        "status": MessageStatus.SUPPRESSED if suppressed else MessageStatus.QUEUED,
        "last_error": f"suppressed: {suppressed}" if suppressed else "",
    }
    if suppressed == selectors.ERASED:
        # The coach had this person erased: the row says a mail was asked for, and no more.
        fields.update(ERASED_FIELDS, erased_at=timezone.now())
    with atomic(CONTEXT):
        try:
            with atomic(CONTEXT):
                message = Message.objects.create(**fields)
        except IntegrityError:
            # Another worker made it first (same event, same template): that one is the message.
            return Message.objects.get(trigger_event_id=trigger_event_id, template_key=key)
        if suppressed:
            _redact(message)
            message.save(update_fields=["text_body", "html_body", "secrets"])
            logger.info("e-mail suppressed", extra={"message_id": str(message.id), "reason": suppressed})
        else:
            on_commit(CONTEXT, lambda: message_send_enqueue(message_id=message.id))
    return message


def message_send_enqueue(*, message_id: UUID) -> None:
    """Ask a comms worker to send the message. A lost enqueue is found by ``message_send_due``.

    With no broker (the embedded default, tasks run eagerly) the message is sent here and now.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        message_deliver(message_id=message_id)
        return
    try:
        current_app.send_task(SEND_TASK, args=[str(message_id)])
    except Exception:  # the broker is away: the sweeper sends it later
        logger.exception("send task not enqueued", extra={"message_id": str(message_id)})


# --- Sending ------------------------------------------------------------------------------------


def message_deliver(*, message_id: UUID) -> str:
    """Send one queued message through its provider; what came of it: ``sent``, ``retry`` (due again at
    ``next_attempt_at``), ``failed``, ``suppressed`` (its coach had the recipient erased),
    ``throttled`` (the domain's rate is used up: due again in a second) or ``skipped`` (not due, or
    not queued: sent already, or another worker has it)."""
    message_id = UUID(str(message_id))
    return message_send_batch(message_id=message_id, limit=1).get(message_id, "skipped")


def message_send_batch(*, message_id: UUID, limit: int) -> dict[UUID, str]:
    """Send ``message_id`` and up to ``limit - 1`` other due messages (what a send task does: one claim
    for the lot, so a backlog drains with a fraction of the queries); each one's outcome.

    The messages Mailgun accepted are written ``sent`` together, in one transaction after the last
    call of the batch (one statement for the rows, their ``comms.email.sent`` events), also when a
    send raises something unexpected half-way. A worker that dies mid-batch leaves the messages it
    had handed over ``sending``: the sweeper sends them again once their claim is stale (the crash
    window of the module's docstring, as wide as a batch). A failure is written as soon as it comes.
    """
    claimed = _claim(message_id, limit=limit)
    outcomes: dict[UUID, str] = {}
    claimed = _without_erased(claimed, outcomes)
    provider = email_provider()
    accepted: list[tuple[Message, str]] = []
    try:
        for index, message in enumerate(claimed):
            if not _send_slot_take():
                for waiting in claimed[index:]:
                    _release(waiting)
                    outcomes[waiting.id] = "throttled"
                break
            try:
                provider_message_id = provider.send(outgoing_email(message))
            except ProviderError as error:
                outcomes[message.id] = _failure(message, error)
                continue
            accepted.append((message, provider_message_id))
    finally:
        outcomes.update(_successes(accepted, provider=provider.name))
    return outcomes


def _claim(message_id: UUID, *, limit: int) -> list[Message]:
    """Claim ``message_id`` (if it is due) and up to ``limit - 1`` other due messages, oldest first:
    ``queued`` -> ``sending``, the attempt counted, committed before any provider call."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.COMMS_SEND_STALE_SECONDS)
    claimable = _due(now) | Q(status=MessageStatus.SENDING, sending_started_at__lt=stale)
    with atomic(CONTEXT):
        rows = Message.objects.select_for_update(skip_locked=True).filter(claimable)
        if limit > 1:
            rows = rows.order_by(Case(When(id=message_id, then=0), default=1), "created_at")
        else:
            rows = rows.filter(id=message_id)
        messages = list(rows[:limit])
        if not messages:
            return []
        Message.objects.filter(id__in=[message.id for message in messages]).update(
            status=MessageStatus.SENDING, attempts=F("attempts") + 1, sending_started_at=now, updated_at=now
        )
    for message in messages:
        message.status, message.attempts, message.sending_started_at = MessageStatus.SENDING, message.attempts + 1, now
    return messages


def _without_erased(claimed: list[Message], outcomes: dict[UUID, str]) -> list[Message]:
    """The claimed messages less those to a person their coach had erased since they were queued
    (one query): those are ``suppressed`` and emptied, never sent."""
    erased = selectors.erased_client_ids(
        pairs=[(message.coach_id, message.recipient_email) for message in claimed if message.coach_id is not None]
    )
    if not erased:
        return claimed
    dropped = [
        message
        for message in claimed
        if message.coach_id is not None
        and (message.coach_id, client_id_for(coach_id=message.coach_id, email=message.recipient_email)) in erased
    ]
    now = timezone.now()
    for message in dropped:
        _claimed_by(message).update(
            status=MessageStatus.SUPPRESSED,
            last_error=f"suppressed: {selectors.ERASED}",
            erased_at=now,
            updated_at=now,
            **ERASED_FIELDS,
        )
        outcomes[message.id] = "suppressed"
    return [message for message in claimed if message not in dropped]


def _due(now: datetime) -> Q:
    return Q(status=MessageStatus.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _release(message: Message) -> None:
    """Give back a claim unused (throttled): no attempt is counted, the sweeper sends it in a moment."""
    Message.objects.filter(id=message.id, status=MessageStatus.SENDING, attempts=message.attempts).update(
        status=MessageStatus.QUEUED,
        attempts=message.attempts - 1,
        sending_started_at=None,
        next_attempt_at=timezone.now() + timedelta(seconds=1),
    )


def _claimed_by(message: Message) -> QuerySet[Message]:
    """The row, if it is still this send's claim (a stale reclaim may have taken it over since)."""
    return Message.objects.filter(id=message.id, status=MessageStatus.SENDING, attempts=message.attempts)


def _locked_claim(message: Message) -> Message | None:
    return _claimed_by(message).select_for_update().first()


def _successes(accepted: list[tuple[Message, str]], *, provider: str) -> dict[UUID, str]:
    """Write the messages the provider accepted as ``sent`` (with its ids, their single-use links
    removed) and publish ``comms.email.sent`` for each, in one transaction: those still this send's
    claim (a stale reclaim may have taken one over since: that one is ``skipped``)."""
    if not accepted:
        return {}
    now = timezone.now()
    redacted = []
    for message, _ in accepted:
        had_secrets = bool(message.secrets)
        _redact(message)
        if had_secrets and not message.secrets:
            redacted.append(message)
    claims = reduce(or_, (Q(id=message.id, attempts=message.attempts) for message, _ in accepted))
    outcomes: dict[UUID, str] = {}
    with atomic(CONTEXT):
        mine = set(
            Message.objects.select_for_update()
            .filter(claims, status=MessageStatus.SENDING)
            .values_list("id", flat=True)
        )
        sent = [(message, provider_id) for message, provider_id in accepted if message.id in mine]
        if sent:
            bodies: dict[str, Any] = {}
            if redacted:
                bodies = {
                    name: Case(
                        *(When(id=message.id, then=Value(getattr(message, name))) for message in redacted),
                        default=F(name),
                        output_field=TextField(),
                    )
                    for name in ("text_body", "html_body")
                }
                bodies["secrets"] = Case(
                    When(id__in=[message.id for message in redacted], then=Value([], output_field=JSONField())),
                    default=F("secrets"),
                )
            Message.objects.filter(id__in=[message.id for message, _ in sent]).update(
                status=MessageStatus.SENT,
                provider=provider,
                provider_message_id=Case(
                    *(When(id=message.id, then=Value(provider_id)) for message, provider_id in sent),
                    output_field=CharField(),
                ),
                sent_at=now,
                next_attempt_at=None,
                last_error="",
                updated_at=now,
                **bodies,
            )
        for message, provider_id in sent:
            message.status, message.provider, message.provider_message_id = MessageStatus.SENT, provider, provider_id
            message.sent_at, message.next_attempt_at, message.last_error = now, None, ""
            events.email_sent_publish(message=message)
            outcomes[message.id] = "sent"
    for message, _ in accepted:
        if message.id in outcomes:
            logger.info("e-mail sent", extra={"message_id": str(message.id), "provider": provider})
        else:
            logger.warning("send finished after its claim was taken over", extra={"message_id": str(message.id)})
            outcomes[message.id] = "skipped"
    return outcomes


def _failure(message: Message, error: ProviderError) -> str:
    now = timezone.now()
    will_retry = (error.retryable or not error.configured) and message.attempts < settings.COMMS_SEND_MAX_ATTEMPTS
    with atomic(CONTEXT):
        row = _locked_claim(message)
        if row is None:
            return "skipped"
        row.last_error = error.message[:1000]
        if will_retry:
            delay = retry_delay(attempts=row.attempts)
            row.status = MessageStatus.QUEUED
            row.next_attempt_at = now + timedelta(seconds=delay)
            # No countdown task: on quorum queues Celery holds an ETA task in a worker until it is due;
            # beat's message_send_due enqueues the message once next_attempt_at has passed.
            row.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
        else:
            row.status = MessageStatus.FAILED
            row.failed_at = now
            row.next_attempt_at = None
            _redact(row)
            row.save()
            events.email_failed_publish(message=row, severity="permanent", reason=error.message, failed_at=now)
    logger.warning(
        "e-mail not sent",
        extra={
            "message_id": str(message.id),
            "attempts": message.attempts,
            "error": error.message,
            "retry": will_retry,
        },
    )
    return "retry" if will_retry else "failed"


def retry_delay(*, attempts: int) -> float:
    """Seconds before the next try after ``attempts`` tries: the base, doubling, capped at an hour."""
    return min(settings.COMMS_SEND_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)


def _send_slot_take() -> bool:
    """One of the sending domain's sends of this second (shared cache, so every worker counts)."""
    rate = settings.COMMS_SEND_RATE_PER_SECOND
    if rate <= 0:
        return True
    key = f"comms:send-rate:{settings.MAILGUN_DOMAIN or 'local'}:{int(time.time())}"
    cache.add(key, 0, timeout=5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=5)
        count = 1
    return count <= rate


def message_send_due(*, limit: int = 1000) -> int:
    """Enqueue every message that is due (a lost task, a retry, a send whose worker died); how many."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.COMMS_SEND_STALE_SECONDS)
    due = list(
        Message.objects.filter(_due(now) | Q(status=MessageStatus.SENDING, sending_started_at__lt=stale))
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )
    for message_id in due:
        message_send_enqueue(message_id=message_id)
    return len(due)


# --- What goes to the provider --------------------------------------------------------------------


def outgoing_email(message: Message) -> OutgoingEmail:
    headers: dict[str, str] = {}
    if message.category == Category.MARKETING:
        url = unsubscribe_url(message_id=message.id)
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return OutgoingEmail(
        message_id=str(message.id),
        to_email=message.recipient_email,
        to_name=message.recipient_name,
        from_email=settings.COMMS_FROM_EMAIL,
        from_name=message.from_name,
        reply_to=message.reply_to,
        subject=message.subject,
        text_body=message.text_body,
        html_body=message.html_body,
        tags=(message.template_key,),
        headers=headers,
        # Mailgun echoes these in every event of the message: how comms finds it again.
        variables={"nlc_message_id": str(message.id)},
    )


def unsubscribe_token(*, message_id: UUID) -> str:
    return signing.dumps({"m": str(message_id)}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, message_id: UUID) -> str:
    return settings.COMMS_UNSUBSCRIBE_URL_TEMPLATE.replace("{token}", unsubscribe_token(message_id=message_id))


def _redact(message: Message) -> None:
    """Remove single-use links from the stored bodies once they are of no more use here."""
    if not settings.COMMS_REDACT_SECRETS or not message.secrets:
        return
    for secret in message.secrets:
        message.text_body = message.text_body.replace(secret, REDACTED)
        message.html_body = message.html_body.replace(secret, REDACTED)
        # The HTML part holds the link escaped (& as &amp;).
        message.html_body = message.html_body.replace(secret.replace("&", "&amp;"), REDACTED)
    message.secrets = []
