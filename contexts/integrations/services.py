"""Writes of the integrations context.

Intake (:func:`webhook_receive`) verifies a webhook, then stores it and publishes
``integrations.webhook.received`` in one transaction on the integrations alias, and answers: nothing
else happens in the request. The hand-off (:func:`webhook_hand_off`) runs in the worker, from our own
consumer of that event: it puts the raw body on the fanout exchange and marks the webhook processed,
or records the failure and schedules a retry with exponential backoff, and after the last attempt
marks it failed. Each outcome publishes ``integrations.webhook.processed`` or ``.failed``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NoReturn
from uuid import UUID

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone

from contexts.integrations import events, handoff, metrics, rules
from contexts.integrations.crypto import secret_encrypt, secret_reencrypt
from contexts.integrations.data import IntakeResult
from contexts.integrations.errors import (
    HandOffFailedError,
    IntegrationConfigInvalidError,
    ProviderUnavailableError,
    ProviderUnknownError,
    WebhookRefusedError,
    WebhookRejectedError,
    WebhookTooLargeError,
)
from contexts.integrations.models import IntegrationConfig, Provider, WebhookEvent, WebhookStatus
from contexts.integrations.providers import VERIFIERS, IncomingWebhook
from contexts.integrations.selectors import (
    CONFIG_CACHE_KEY,
    integration_config_resolve,
    webhook_event_data,
    webhook_event_filter,
)
from nlc.db.transactions import alias_of, atomic, on_commit
from nlc.errors import NotFoundError
from nlc.observability.context import trace_id_var

logger = logging.getLogger(__name__)

CONTEXT = "integrations"
# The Celery task of a retry (tasks.py), enqueued by name: services sit below tasks and import none.
WEBHOOK_HAND_OFF_RETRY_TASK = "integrations.webhook_hand_off_retry"


def _policy() -> dict[str, Any]:
    policy: dict[str, Any] = settings.INTEGRATIONS_WEBHOOKS
    return policy


# --- Intake ------------------------------------------------------------------------------------


def webhook_size_check(*, provider: str, declared_bytes: int) -> None:
    """Refuse (counted and logged, as every refusal) a body declared larger than ``MAX_BODY_BYTES``,
    before it is read."""
    limit = _policy()["MAX_BODY_BYTES"]
    if declared_bytes > limit:
        webhook_refuse(provider=provider, error=WebhookTooLargeError(limit))


def webhook_receive(*, provider: str, body: bytes, headers: Mapping[str, str]) -> IntakeResult:
    """Verify, store once and publish ``integrations.webhook.received``; or raise a WebhookRefusedError.

    The same provider event id again is a duplicate: acknowledged, neither stored nor published
    again (a unique constraint decides, so two deliveries racing each other store one row).
    A refusal is counted (``nlc_webhooks_rejected_total``) and logged; nothing is written.
    """
    try:
        return _receive(provider=provider, body=body, headers=headers)
    except WebhookRefusedError as error:
        webhook_refuse(provider=provider, error=error)


def webhook_refuse(*, provider: str, error: WebhookRefusedError) -> NoReturn:
    """Count and log a refused webhook, then raise its error (the 4xx or 503 the sender gets)."""
    label = provider if provider in Provider.values else "unknown"
    metrics.rejected.labels(label, error.reason).inc()
    logger.warning("webhook refused", extra={"provider": label, "reason": error.reason, "detail": error.message})
    raise error


def _receive(*, provider: str, body: bytes, headers: Mapping[str, str]) -> IntakeResult:
    if provider not in VERIFIERS:
        raise ProviderUnknownError(provider, list(VERIFIERS))
    config = integration_config_resolve(provider=provider)
    if not config.enabled:
        raise ProviderUnavailableError("provider_disabled", f"Webhooks from {provider} are turned off.")
    if not config.secrets:
        raise ProviderUnavailableError("provider_not_configured", f"No signing secret is configured for {provider}.")
    if not body:
        raise WebhookRejectedError("body_missing", "The request has no body.")
    policy = _policy()
    verified = VERIFIERS[provider](
        IncomingWebhook(
            provider=provider,
            body=body,
            headers=headers,
            secrets=config.secrets,
            settings=config.settings,
            now=time.time(),
            tolerance=policy["TOLERANCE_SECONDS"][provider],
            future_tolerance=policy["FUTURE_TOLERANCE_SECONDS"],
        )
    )
    event = WebhookEvent(
        provider=provider,
        provider_event_id=verified.provider_event_id,
        event_type=verified.event_type,
        body=body.decode("utf-8"),
        headers=verified.headers,
        coach_id=verified.coach_id,
        signature_token=verified.signature_token,
    )
    with atomic(CONTEXT):
        if not _insert_once(event):
            existing = (
                WebhookEvent.objects.filter(provider=provider, provider_event_id=verified.provider_event_id)
                .only("id", "status")
                .first()
            )
            if existing is None:  # the unique constraint that held is the signature token's
                raise WebhookRejectedError(
                    "token_reused", "This signature token was used already: a replay is refused."
                )
            metrics.received.labels(provider, "duplicate").inc()
            logger.info(
                "webhook duplicate",
                extra={"provider": provider, "provider_event_id": event.provider_event_id, "id": str(existing.id)},
            )
            return IntakeResult(webhook_event_id=existing.id, status=existing.status, duplicate=True)
        events.webhook_received_publish(event=event, data=verified.data)
    metrics.received.labels(provider, "stored").inc()
    logger.info(
        "webhook received",
        extra={
            "provider": provider,
            "provider_event_id": event.provider_event_id,
            "event_type": event.event_type,
            "id": str(event.id),
        },
    )
    return IntakeResult(webhook_event_id=event.id, status=event.status, duplicate=False)


def _insert_once(event: WebhookEvent) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: False when a row with the same provider event id (or the
    same signature token) exists. A concurrent insert of the same id waits for the first to commit,
    then finds its row, so the race has one winner and no error."""
    alias = alias_of(CONTEXT)
    connection = connections[alias]
    fields = WebhookEvent._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    values = [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(WebhookEvent._meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608 - names are ours
            f"ON CONFLICT DO NOTHING RETURNING {quote('id')}",
            values,
        )
        inserted = cursor.fetchone() is not None
    if inserted:
        event._state.adding, event._state.db = False, alias
    return inserted


# --- Hand-off ----------------------------------------------------------------------------------


def webhook_hand_off(*, webhook_event_id: UUID | str) -> WebhookEvent | None:
    """Hand a received webhook off to the fanout exchange, once it is due.

    Processed and failed webhooks, and ones whose next attempt is not due yet, are left alone, so a
    late or doubled retry task does no harm. The row is locked for the attempt: two workers never
    hand off the same webhook at once.
    """
    with atomic(CONTEXT):
        event = WebhookEvent.objects.select_for_update().filter(pk=webhook_event_id).first()
        if event is None:
            logger.warning("hand-off of an unknown webhook event", extra={"id": str(webhook_event_id)})
            return None
        now = timezone.now()
        if not rules.hand_off_due(status=event.status, next_attempt_at=event.next_attempt_at, now=now):
            return event
        event.attempts += 1
        try:
            handoff.raw_webhook_publish(event=event, trace_id=trace_id_var.get())
        except HandOffFailedError as error:
            _hand_off_failed(event, reason=error.message, now=now)
        else:
            _hand_off_succeeded(event, now=now)
    return event


def _hand_off_succeeded(event: WebhookEvent, *, now: datetime) -> None:
    event.status, event.processed_at, event.next_attempt_at, event.last_error = WebhookStatus.PROCESSED, now, None, ""
    event.save(update_fields=["status", "processed_at", "next_attempt_at", "last_error", "attempts"])
    events.webhook_processed_publish(event=event)
    metrics.handed_off.labels(event.provider, "processed").inc()


def _hand_off_failed(event: WebhookEvent, *, reason: str, now: datetime) -> None:
    last_attempt = event.attempts >= _policy()["MAX_ATTEMPTS"]
    delay = rules.retry_delay(attempts=event.attempts, base_seconds=_policy()["RETRY_BASE_SECONDS"])
    event.last_error = reason[:2000]
    if last_attempt:
        event.status, event.next_attempt_at = WebhookStatus.FAILED, None
    else:
        event.next_attempt_at = now + delay
    event.save(update_fields=["status", "next_attempt_at", "last_error", "attempts"])
    events.webhook_failed_publish(event=event, reason=reason, failed_at=now)
    metrics.handed_off.labels(event.provider, "failed" if last_attempt else "retrying").inc()
    logger.warning(
        "webhook hand-off failed",
        extra={"id": str(event.id), "attempts": event.attempts, "error": reason, "will_retry": not last_attempt},
    )
    if not last_attempt:
        # robust: a failed enqueue is logged, not raised; webhook_retry_due finds the row anyway.
        transaction.on_commit(
            lambda: _retry_schedule(event.id, delay.total_seconds()), using=alias_of(CONTEXT), robust=True
        )


def _retry_schedule(webhook_event_id: UUID, delay: float) -> None:
    # If this enqueue is lost, webhook_retry_due (Celery beat, or `manage.py webhooks retry-due`) finds the row.
    current_app.send_task(WEBHOOK_HAND_OFF_RETRY_TASK, args=[str(webhook_event_id)], countdown=delay)


def webhook_retry_due(*, limit: int = 500) -> int:
    """Hand off every webhook whose retry is due (the safety net for lost retry tasks); return how many."""
    due = list(
        WebhookEvent.objects.filter(status=WebhookStatus.RECEIVED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
    for webhook_event_id in due:
        webhook_hand_off(webhook_event_id=webhook_event_id)
    return len(due)


# --- Replay ------------------------------------------------------------------------------------


def webhook_replay(*, webhook_event_id: UUID | str) -> WebhookEvent:
    """Hand a stored webhook on again, whatever its status.

    It publishes ``integrations.webhook.received`` anew: a new envelope (new eventId, source
    ``nlc/integrations/replay``) with the same payload and webhookEventId, so it reaches the owning
    context again (its inbox dedupes envelopes, not webhooks); the owning context decides, by
    providerEventId, whether the provider's event still has effects to apply. The hand-off starts
    over: status received, attempts from zero, and the raw body goes to the fanout exchange again.
    """
    with atomic(CONTEXT):
        event = WebhookEvent.objects.select_for_update().filter(pk=webhook_event_id).first()
        if event is None:
            raise NotFoundError.of("webhook_event")
        event.status, event.attempts, event.next_attempt_at, event.last_error = WebhookStatus.RECEIVED, 0, None, ""
        event.replay_count += 1
        event.last_replayed_at = timezone.now()
        event.save(
            update_fields=["status", "attempts", "next_attempt_at", "last_error", "replay_count", "last_replayed_at"]
        )
        events.webhook_received_publish(event=event, data=webhook_event_data(event=event), replay=True)
    logger.info("webhook replayed", extra={"id": str(event.id), "replays": event.replay_count})
    return event


def webhook_replay_matching(
    *,
    provider: str | None = None,
    status: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[UUID]:
    """Replay every stored webhook that matches, oldest first, each in its own transaction."""
    matching = webhook_event_filter(provider=provider, status=status, since=since, until=until)
    ids = list(matching.order_by("received_at", "id").values_list("id", flat=True))
    for webhook_event_id in ids:
        webhook_replay(webhook_event_id=webhook_event_id)
    return ids


# --- Configs -----------------------------------------------------------------------------------


def integration_config_save(
    *,
    config: IntegrationConfig,
    new_signing_secret: str = "",
    previous_valid_for: timedelta | None = None,
    clear_previous: bool = False,
) -> IntegrationConfig:
    """Save a config (the Django admin's form). A new signing secret replaces the current one, which
    stays valid as the previous secret for ``previous_valid_for`` (default
    ``PREVIOUS_SECRET_HOURS``), so senders can move over without a deploy. Secrets are stored
    encrypted; the cached config is cleared at once."""
    if config.provider not in Provider.values:
        raise IntegrationConfigInvalidError(field_errors={"provider": ["Unknown provider."]})
    if not isinstance(config.settings, dict):
        raise IntegrationConfigInvalidError(field_errors={"settings": ["Settings must be a JSON object."]})
    new_signing_secret = new_signing_secret.strip()
    if new_signing_secret:
        if config.signing_secret_encrypted:
            hours = _policy()["PREVIOUS_SECRET_HOURS"]
            config.previous_signing_secret_encrypted = config.signing_secret_encrypted
            overlap = previous_valid_for if previous_valid_for is not None else timedelta(hours=hours)
            config.previous_signing_secret_expires_at = timezone.now() + overlap
        config.signing_secret_encrypted = secret_encrypt(new_signing_secret)
    if clear_previous:
        config.previous_signing_secret_encrypted, config.previous_signing_secret_expires_at = "", None
    with atomic(CONTEXT):
        config.save()
        # Cleared after the commit too: inside a caller's transaction, a request in between could
        # cache the old row again.
        on_commit(CONTEXT, lambda: _config_cache_clear(config.provider))
    _config_cache_clear(config.provider)
    logger.info(
        "integration config saved",
        extra={"provider": config.provider, "secret_rotated": bool(new_signing_secret), "enabled": config.enabled},
    )
    return config


def integration_config_delete(*, config: IntegrationConfig) -> None:
    with atomic(CONTEXT):
        config.delete()
    _config_cache_clear(config.provider)


def _config_cache_clear(provider: str) -> None:
    cache.delete(CONFIG_CACHE_KEY.format(provider=provider))


def integration_config_reencrypt() -> int:
    """Re-encrypt every config's stored secrets under the first INTEGRATIONS_ENCRYPTION_KEY; return
    how many configs changed."""
    changed = 0
    with atomic(CONTEXT):
        for config in IntegrationConfig.objects.select_for_update():
            config.signing_secret_encrypted = secret_reencrypt(config.signing_secret_encrypted)
            config.previous_signing_secret_encrypted = secret_reencrypt(config.previous_signing_secret_encrypted)
            config.save(update_fields=["signing_secret_encrypted", "previous_signing_secret_encrypted", "updated_at"])
            changed += 1
    for provider in Provider.values:
        _config_cache_clear(provider)
    return changed
