"""The event bus tables. Each context has its own copy in its own schema: code always names the
alias (``OutboxEvent.objects.using(alias)``), the router refuses to guess."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class OutboxEvent(models.Model):
    """An event committed with the change that caused it, waiting for (or done with) the relay."""

    id = models.BigAutoField(primary_key=True)  # commit order of one aggregate's events
    event_id = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=120)
    schema_version = models.PositiveSmallIntegerField()
    aggregate_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - NULL: no order to keep
    envelope = models.JSONField()
    created_at = models.DateTimeField(db_default=Now())
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "event_outbox"
        indexes = [
            models.Index(fields=["id"], name="event_outbox_pending", condition=Q(published_at__isnull=True)),
            models.Index(
                fields=["aggregate_id", "id"], name="event_outbox_pending_agg", condition=Q(published_at__isnull=True)
            ),
            models.Index(fields=["event_type", "created_at"], name="event_outbox_type_created"),
            models.Index(fields=["published_at"], name="event_outbox_published"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class InboxEntry(models.Model):
    """An event one handler has applied: its effects committed in the same transaction."""

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField()
    handler = models.CharField(max_length=200)
    event_type = models.CharField(max_length=120)
    processed_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "event_inbox"
        constraints = [models.UniqueConstraint(fields=["event_id", "handler"], name="event_inbox_once")]

    def __str__(self) -> str:
        return f"{self.handler} {self.event_id}"


class DeadLetter(models.Model):
    """A message a context's consumer gave up on, with why, for an operator to requeue or purge."""

    class Status(models.TextChoices):
        DEAD = "dead", "Dead"
        REQUEUED = "requeued", "Requeued"
        PURGED = "purged", "Purged"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_id = models.UUIDField(null=True, blank=True)
    event_type = models.CharField(max_length=120, blank=True, default="")
    body = models.TextField()  # the message exactly as received (it may not even be JSON)
    reason = models.TextField()
    attempts = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DEAD)
    created_at = models.DateTimeField(db_default=Now())
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # set while requeued

    class Meta:
        db_table = "event_dead_letter"
        indexes = [models.Index(fields=["status", "created_at"], name="event_dead_letter_status")]

    def __str__(self) -> str:
        return f"{self.event_type or 'unreadable'} {self.event_id or self.id}"
