"""Models of the integrations context: the webhooks received from providers, and per-provider configs.

References to other contexts are UUID columns (``coach_id``), never foreign keys.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from nlc.db.models import UUIDModel


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    MAILGUN = "mailgun", "Mailgun"
    CALENDLY = "calendly", "Calendly"


class WebhookStatus(models.TextChoices):
    # Verified and stored; the hand-off is pending (or being retried: see attempts and next_attempt_at).
    RECEIVED = "received", "Received"
    # Handed off: the raw body is on the fanout exchange.
    PROCESSED = "processed", "Processed"
    # Every attempt failed; it stays so until replayed.
    FAILED = "failed", "Failed"


class WebhookEvent(UUIDModel):
    """A verified webhook, stored exactly as it arrived, with the state of its hand-off."""

    provider = models.CharField(max_length=20, choices=Provider.choices)
    provider_event_id = models.CharField(max_length=500)
    event_type = models.CharField(max_length=200)
    # The raw body as text: providers sign (and send) UTF-8 JSON, and replays re-send these bytes.
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    coach_id = models.UUIDField(null=True, blank=True)
    # Mailgun's single-use signature token: a second webhook signed with it is a replay.
    signature_token = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 - NULL: none
    status = models.CharField(max_length=20, choices=WebhookStatus.choices, default=WebhookStatus.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    replay_count = models.PositiveIntegerField(default=0)
    last_replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "webhook_events"
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_event_id"], name="webhook_events_once"),
            models.UniqueConstraint(
                fields=["provider", "signature_token"],
                name="webhook_events_token_once",
                condition=Q(signature_token__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["received_at"], name="webhook_events_received"),
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_events_retry_due",
                condition=Q(status="received", next_attempt_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.provider_event_id}"


class IntegrationConfig(UUIDModel):
    """One provider's configuration, edited by admins. Secrets are stored encrypted (Fernet): see
    ``contexts.integrations.crypto``; a rotation keeps the replaced secret valid until
    ``previous_signing_secret_expires_at``."""

    provider = models.CharField(max_length=20, choices=Provider.choices, unique=True)
    enabled = models.BooleanField(default=True)
    signing_secret_encrypted = models.TextField(blank=True, default="")
    previous_signing_secret_encrypted = models.TextField(blank=True, default="")
    previous_signing_secret_expires_at = models.DateTimeField(null=True, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "integration_configs"
        ordering = ["provider"]

    def __str__(self) -> str:
        return self.get_provider_display()
