"""The notifications context's tables, in its own schema. Foreign keys only inside the context; other
contexts' entities by their ``*_id`` UUID, kept from the events that named them.

A notification belongs to one recipient user (a coach's user id is its coach id). Each user has one
``UnreadCounter`` row, written in the same transaction as every change of its notifications' read
states, so the unread count is one primary-key read and the live stream watches that one row.
"""

from django.db import models
from django.db.models import Q

from nlc.db.models import TimeStampedModel


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    COACH = "coach", "Coach"


class UserStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISABLED = "disabled", "Disabled"


class User(TimeStampedModel):
    """A copy of an admin or coach (its id is auth's user id), kept from auth.user.created/updated:
    admins are the recipients of platform notices."""

    role = models.CharField(max_length=10, choices=Role.choices)
    coach_id = models.UUIDField(null=True, blank=True)
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=301, blank=True, default="")
    status = models.CharField(max_length=12, choices=UserStatus.choices, default=UserStatus.ACTIVE)

    class Meta:
        indexes = [models.Index(fields=["role", "status"], name="notif_user_role_status")]

    def __str__(self) -> str:
        return self.email


class Notification(TimeStampedModel):
    """One notice for one user. ``key`` names the fact it reports (``payment_received:<transaction>``,
    ``request:<notificationId>``): one notification per (recipient, key), however often the fact is
    delivered. ``seq`` numbers the recipient's notifications (the live stream's event id)."""

    recipient_user_id = models.UUIDField()
    coach_id = models.UUIDField(null=True, blank=True, help_text="The coach it concerns; null for platform notices.")
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True, default="")
    link = models.CharField(max_length=2048, blank=True, default="")
    key = models.CharField(max_length=200)
    seq = models.BigIntegerField()
    read_at = models.DateTimeField(null=True, blank=True)
    producer = models.CharField(max_length=50, help_text="The context whose event or request it came from.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient_user_id", "key"], name="notif_once_per_fact"),
            models.UniqueConstraint(fields=["recipient_user_id", "seq"], name="notif_seq_per_user"),
        ]
        indexes = [
            # A user's newest first (the list and the stream, both by seq).
            models.Index(fields=["recipient_user_id", "-seq"], name="notif_recipient_seq"),
            # Retention: read notifications older than the cut-off.
            models.Index(fields=["read_at"], name="notif_read_at", condition=Q(read_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title


class UnreadCounter(TimeStampedModel):
    """A user's unread count and the seq of its newest notification, changed in the transaction of
    every change to its notifications (created, read), never counted with COUNT(*)."""

    user_id = models.UUIDField(unique=True)
    unread = models.IntegerField(default=0)
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.unread} unread"


class Preference(TimeStampedModel):
    """A user's choice for one kind of notification; a kind with no row is on. A kind turned off
    is not created for that user at all (not created read)."""

    user_id = models.UUIDField()
    kind = models.CharField(max_length=64)
    in_app = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "kind"], name="notif_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {'on' if self.in_app else 'off'}"
