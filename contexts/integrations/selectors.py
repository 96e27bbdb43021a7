"""Reads of the integrations context: stored webhooks (admins only) and the resolved configuration
of a provider, cached so that intake does not query it on every request."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from contexts.integrations.crypto import secret_decrypt
from contexts.integrations.data import ResolvedConfig
from contexts.integrations.models import IntegrationConfig, WebhookEvent
from contexts.integrations.providers import SECRET_SETTINGS
from nlc.api.principal import Principal

CONFIG_CACHE_KEY = "integrations:config:v1:{provider}"


# --- Webhook events ----------------------------------------------------------------------------


def webhook_event_list(*, principal: Principal, filters: Mapping[str, Any]) -> QuerySet[WebhookEvent]:
    """The stored webhooks an admin asked for (``filters``: those of :func:`webhook_event_filter`);
    nobody else sees any."""
    if not principal.is_admin:
        return WebhookEvent.objects.none()
    return webhook_event_filter(**filters)


def webhook_event_filter(
    *,
    provider: str | None = None,
    status: str | None = None,
    event_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[WebhookEvent]:
    """Stored webhooks, newest first; the body stays in the database until asked for."""
    events = WebhookEvent.objects.defer("body", "headers").order_by("-received_at", "-id")
    if provider:
        events = events.filter(provider=provider)
    if status:
        events = events.filter(status=status)
    if event_type:
        events = events.filter(event_type=event_type)
    if since:
        events = events.filter(received_at__gte=since)
    if until:
        events = events.filter(received_at__lt=until)
    return events


def webhook_event_get(*, webhook_event_id: UUID) -> WebhookEvent | None:
    """One stored webhook with its body (for admins and operators: the callers check), or None."""
    return WebhookEvent.objects.filter(pk=webhook_event_id).first()


def webhook_event_data(*, event: WebhookEvent) -> dict[str, Any]:
    """The provider's payload, parsed from the stored body."""
    data: dict[str, Any] = json.loads(event.body)
    return data


# --- Configs -----------------------------------------------------------------------------------


def integration_config_resolve(*, provider: str) -> ResolvedConfig:
    """The provider's config with the secrets of the environment and of its stored config.

    Without a stored config a provider is enabled, with the environment's secrets only. The stored
    row is cached (still encrypted) for ``CONFIG_CACHE_SECONDS``; saving a config clears it.
    """
    snapshot = cache.get(CONFIG_CACHE_KEY.format(provider=provider))
    if snapshot is None:
        snapshot = _config_snapshot(provider)
        cache.set(
            CONFIG_CACHE_KEY.format(provider=provider),
            snapshot,
            settings.INTEGRATIONS_WEBHOOKS["CONFIG_CACHE_SECONDS"],
        )
    secrets = [secret for secret in getattr(settings, SECRET_SETTINGS[provider], []) if secret]
    if snapshot["current"]:
        secrets.append(secret_decrypt(snapshot["current"]))
    expires_at = snapshot["previousExpiresAt"]
    if snapshot["previous"] and expires_at is not None and timezone.now() < expires_at:
        secrets.append(secret_decrypt(snapshot["previous"]))
    return ResolvedConfig(
        provider=provider,
        enabled=snapshot["enabled"],
        secrets=tuple(dict.fromkeys(secrets)),
        settings=snapshot["settings"],
    )


def _config_snapshot(provider: str) -> dict[str, Any]:
    config = IntegrationConfig.objects.filter(provider=provider).first()
    if config is None:
        return {"enabled": True, "current": "", "previous": "", "previousExpiresAt": None, "settings": {}}
    return {
        "enabled": config.enabled,
        "current": config.signing_secret_encrypted,
        "previous": config.previous_signing_secret_encrypted,
        "previousExpiresAt": config.previous_signing_secret_expires_at,
        "settings": config.settings or {},
    }
