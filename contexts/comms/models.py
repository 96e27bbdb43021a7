"""What comms keeps: e-mail templates (platform defaults and coach overrides, versioned), every message
as a row before it is sent, the suppression list, the coaches' addresses (from auth's events) and the
Mailgun events already applied.

Other contexts are referenced by UUID columns (coach_id, client_id, the triggering event id), never by
foreign keys. A message row is written in the same transaction as the inbox row of the event that
caused it, so one triggering event and template make at most one message.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from nlc.db.models import TimeStampedModel
from nlc.providers.inbound import ProviderEventRecord


class Category(models.TextChoices):
    TRANSACTIONAL = "transactional", "Transactional (reset, access link, receipt)"
    MARKETING = "marketing", "Marketing (sequences, scheduled e-mails)"


class Template(TimeStampedModel):
    """One version of a template: a platform default (``coach_id`` null, written by admins) or a
    coach's override of the same key. A save makes a new version; sends record the version used.

    The built-in defaults (contexts/comms/defaults.py) are version 0 of each platform key.
    """

    key = models.CharField(max_length=100)
    coach_id = models.UUIDField(null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField()
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.TRANSACTIONAL)
    subject = models.CharField(max_length=998)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    created_by = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ("key", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=("key", "coach_id", "version"), name="comms_template_version_unique_per_coach"
            ),
            models.UniqueConstraint(
                fields=("key", "version"), condition=Q(coach_id__isnull=True), name="comms_template_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version} ({self.coach_id or 'platform'})"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Handed to the provider (awaiting its answer)"
    SENT = "sent", "Sent (accepted by the provider)"
    DELIVERED = "delivered", "Delivered"
    OPENED = "opened", "Opened"
    CLICKED = "clicked", "Clicked"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"
    COMPLAINED = "complained", "Complained"
    SUPPRESSED = "suppressed", "Suppressed (not sent)"


class Message(TimeStampedModel):
    """One e-mail, stored before it is sent, with what it was made from and what became of it."""

    coach_id = models.UUIDField(null=True, blank=True, db_index=True)
    client_id = models.UUIDField(null=True, blank=True)
    recipient_email = models.EmailField(max_length=254)
    recipient_name = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.TRANSACTIONAL)
    template_key = models.CharField(max_length=100)
    template_version = models.PositiveIntegerField()
    template_coach_id = models.UUIDField(null=True, blank=True, help_text="Whose template was used; null: platform.")
    subject = models.CharField(max_length=998)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    from_name = models.CharField(max_length=200)
    reply_to = models.EmailField(max_length=254, blank=True)
    # The event that caused it (null for manual, scheduled and sequence sends).
    trigger_event_id = models.UUIDField(null=True, blank=True)
    trigger_event_type = models.CharField(max_length=100, blank=True)
    sequence_id = models.UUIDField(null=True, blank=True)
    # Single-use links (a reset link, a learner's access link) in the bodies: removed once sent.
    secrets = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    provider = models.CharField(max_length=20)
    provider_message_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The recipient was erased (leads.client.erased): address, name and bodies are blank since.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("trigger_event_id", "template_key"),
                condition=Q(trigger_event_id__isnull=False),
                name="comms_message_once_per_event_and_template",
            ),
        ]
        indexes = [
            models.Index(fields=("status", "next_attempt_at"), name="comms_message_due"),
            models.Index(fields=("coach_id", "created_at"), name="comms_message_coach_created"),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} to {self.recipient_email} ({self.status})"


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", "Hard bounce"
    COMPLAINT = "complaint", "Spam complaint"
    UNSUBSCRIBE = "unsubscribe", "Unsubscribed"


class Suppression(TimeStampedModel):
    """An address that gets no more marketing mail from a coach (``coach_id``), or from anyone on the
    platform (``coach_id`` null). A hard bounce also stops transactional mail."""

    coach_id = models.UUIDField(null=True, blank=True)
    email = models.EmailField(max_length=254)
    reason = models.CharField(max_length=16, choices=SuppressionReason.choices)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=("coach_id", "email"), name="comms_suppression_unique_per_coach"),
            models.UniqueConstraint(
                fields=("email",), condition=Q(coach_id__isnull=True), name="comms_suppression_unique_platform"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.reason}, {self.coach_id or 'platform'})"


class ErasedClient(models.Model):
    """A person erased at a coach's request (``leads.client.erased``): that coach mails them no more.

    Kept without the address: the ``client_id`` is ``nlc.clients.client_id_for(coach_id, email)``, a
    hash of the coach and the normalized address, so a send finds out by deriving the id of its
    recipient."""

    id = models.BigAutoField(primary_key=True)
    coach_id = models.UUIDField()
    client_id = models.UUIDField()
    erased_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("coach_id", "client_id"), name="comms_erased_client_unique")]

    def __str__(self) -> str:
        return f"{self.client_id} erased for {self.coach_id}"


class CoachContact(models.Model):
    """A coach's own address, kept from ``auth.user.created``: billing's events name the coach only
    by id, and a receipt or an invoice goes to the coach."""

    coach_id = models.UUIDField(primary_key=True)
    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.email} ({self.coach_id})"


class SenderIdentity(models.Model):
    """How a coach's mail to its clients is signed: the name in From (the address stays the
    platform's sending domain) and where replies go."""

    coach_id = models.UUIDField(primary_key=True)
    from_name = models.CharField(max_length=100)
    reply_to = models.EmailField(max_length=254, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.from_name} <{self.reply_to}> ({self.coach_id})"


class MailgunEvent(ProviderEventRecord):
    """A Mailgun event (delivered, opened, ...) applied, by Mailgun's event id."""

    class Meta(ProviderEventRecord.Meta):
        db_table = "comms_mailgun_events"


# --- Audiences: the coaches' clients comms may write to, from other contexts' events ----------------


class ClientContact(models.Model):
    """A coach's client (or lead) as comms knows it from events: its address and name."""

    id = models.BigAutoField(primary_key=True)
    coach_id = models.UUIDField()
    client_id = models.UUIDField()
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("coach_id", "client_id"), name="comms_client_contact_unique")]

    def __str__(self) -> str:
        return f"{self.email} ({self.coach_id})"


class CourseMember(models.Model):
    """A client enrolled in a coach's course (the segment "course" of scheduled e-mails)."""

    id = models.BigAutoField(primary_key=True)
    coach_id = models.UUIDField()
    course_id = models.UUIDField()
    client_id = models.UUIDField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("course_id", "client_id"), name="comms_course_member_unique")]

    def __str__(self) -> str:
        return f"{self.client_id} in {self.course_id}"


# --- Sequences ------------------------------------------------------------------------------------


class SequenceTrigger(models.TextChoices):
    LEAD_CREATED = "lead_created", "A lead is created"
    LEAD_STATUS = "lead_status", "A lead reaches a status"
    LEAD_TAGGED = "lead_tagged", "A lead is given a tag"
    ENROLLMENT_CREATED = "enrollment_created", "A client is enrolled (in any course, or one)"
    MANUAL = "manual", "Started by the coach"


class SequenceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CANCELLED = "cancelled", "Cancelled"


class Sequence(TimeStampedModel):
    """A coach's ordered e-mails, each sent a delay after the previous one, to everyone its trigger
    enrolls, until a run completes or an exit rule stops it (a purchase, an unsubscribe, a cancel)."""

    coach_id = models.UUIDField(db_index=True)
    name = models.CharField(max_length=200)
    trigger = models.CharField(max_length=20, choices=SequenceTrigger.choices)
    trigger_value = models.CharField(
        max_length=100, blank=True, help_text="A course id (blank: any), a lead status or a tag."
    )
    exit_on_purchase = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=SequenceStatus.choices, default=SequenceStatus.ACTIVE)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.coach_id})"


class SequenceStep(models.Model):
    id = models.BigAutoField(primary_key=True)
    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    template_key = models.CharField(max_length=100)
    delay_seconds = models.PositiveIntegerField(help_text="After the run starts (first step) or the previous step.")

    class Meta:
        ordering = ("sequence", "position")
        constraints = [models.UniqueConstraint(fields=("sequence", "position"), name="comms_sequence_step_unique")]

    def __str__(self) -> str:
        return f"{self.position}: {self.template_key} after {self.delay_seconds}s"


class RunStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    EXITED = "exited", "Exited"


class SequenceRun(TimeStampedModel):
    """One recipient's way through a sequence: the next step and when it is due."""

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="runs")
    coach_id = models.UUIDField()
    client_id = models.UUIDField(null=True, blank=True)
    recipient_email = models.EmailField(max_length=254)
    recipient_name = models.CharField(max_length=200, blank=True)
    trigger = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.ACTIVE)
    exit_reason = models.CharField(max_length=40, blank=True)
    next_position = models.PositiveIntegerField(default=0)
    next_send_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("sequence", "recipient_email"),
                condition=Q(status="active"),
                name="comms_sequence_run_one_active",
            )
        ]
        indexes = [models.Index(fields=("status", "next_send_at"), name="comms_sequence_run_due")]

    def __str__(self) -> str:
        return f"{self.recipient_email} in {self.sequence_id} ({self.status})"


# --- Scheduled e-mails ----------------------------------------------------------------------------


class Segment(models.TextChoices):
    ALL_CLIENTS = "all_clients", "Every client of the coach"
    COURSE = "course", "The clients enrolled in one course"


class ScheduledStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent (messages queued)"
    CANCELLED = "cancelled", "Cancelled"


class ScheduledEmail(TimeStampedModel):
    """A one-off e-mail at a time, to one recipient or a segment of the coach's own clients."""

    coach_id = models.UUIDField(db_index=True)
    template_key = models.CharField(max_length=100)
    send_at = models.DateTimeField()
    to_email = models.EmailField(max_length=254, blank=True)
    to_name = models.CharField(max_length=200, blank=True)
    segment = models.CharField(max_length=16, choices=Segment.choices, blank=True)
    course_id = models.UUIDField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=ScheduledStatus.choices, default=ScheduledStatus.SCHEDULED)
    processed_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-send_at",)
        indexes = [models.Index(fields=("status", "send_at"), name="comms_scheduled_due")]

    def __str__(self) -> str:
        return f"{self.template_key} at {self.send_at} ({self.status})"
