"""Claim an inbound provider event once: the same Stripe, Vimeo, Mailgun or Calendly event applied
twice (a redelivered bus event, a webhook replayed by an admin, a provider's own retry) changes
nothing the second time.

A context keeps its claims in a model of its own, a subclass of :class:`ProviderEventRecord`::

    class StripeEvent(ProviderEventRecord):
        class Meta(ProviderEventRecord.Meta):
            db_table = "stripe_events"

and calls :func:`provider_event_claim` in the transaction that applies the event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction


class ProviderEventOutcome(models.TextChoices):
    APPLIED = "applied", "Applied"
    IGNORED = "ignored", "Ignored (not ours, or nothing to do)"


class ProviderEventRecord(models.Model):
    """A provider event applied, by the provider's own id."""

    provider_event_id = models.CharField(max_length=255, primary_key=True)
    event_type = models.CharField(max_length=100)
    provider_created_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=ProviderEventOutcome.choices, default=ProviderEventOutcome.APPLIED)
    note = models.CharField(max_length=500, blank=True)
    processed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ("-processed_at",)

    def __str__(self) -> str:
        return f"{self.provider_event_id} {self.event_type}"


def provider_event_claim(
    model: type[ProviderEventRecord],
    *,
    provider_event_id: str,
    event_type: str,
    provider_created_at: datetime | None = None,
    **fields: Any,
) -> bool:
    """Record the event as applied; False when it was applied before (then apply nothing).

    Call it inside the transaction of the change: if the change rolls back, so does the claim. Two
    workers racing on the same id: the second waits on the primary key and then gets False.
    """
    manager = model._default_manager
    # The insert is the check: the primary key refuses a second claim (a savepoint keeps the
    # caller's transaction usable), so a first claim costs one statement, not a read and a write.
    try:
        with transaction.atomic(using=manager.db):
            manager.create(
                provider_event_id=provider_event_id,
                event_type=event_type,
                provider_created_at=provider_created_at,
                **fields,
            )
    except IntegrityError:
        return False
    return True


def provider_event_outcome(
    model: type[ProviderEventRecord], *, provider_event_id: str, outcome: str, note: str = ""
) -> None:
    """Say what applying a claimed event came to (applied, or ignored and why)."""
    model._default_manager.filter(pk=provider_event_id).update(outcome=outcome, note=note[:500])
