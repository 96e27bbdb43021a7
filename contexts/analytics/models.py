"""The analytics context's tables, in its own schema: the log of every event it consumed, and what
the fold (rules.Fold) makes of it. Everything but the log can be rebuilt from the log
(``manage.py analytics rebuild``); other contexts' entities are named by their UUIDs.

The projections carry no created/updated stamps: they are rewritten by the fold and by rebuilds,
and the log says when anything happened. The log and the counters are numbered by a bigint, the
order the fold reads them in.
"""

from __future__ import annotations

from django.db import models


class LoggedEvent(models.Model):
    """One consumed event, kept as it arrived (bearer links dropped), inserted once per event id.

    ``folded`` is false until the fold applied it (the live path's work queue); ``moment`` is the
    event's business moment (paidAt, refundedAt, ...), the one its day is taken from.
    """

    seq = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=80)
    version = models.PositiveSmallIntegerField()
    occurred_at = models.DateTimeField()
    moment = models.DateTimeField()
    coach_id = models.UUIDField()
    client_id = models.UUIDField(null=True)
    payload = models.JSONField()
    folded = models.BooleanField(default=False)
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["coach_id", "seq"], name="analytics_log_coach_seq"),
            models.Index(fields=["seq"], name="analytics_log_unfolded", condition=models.Q(folded=False)),
            models.Index(
                fields=["coach_id", "client_id"],
                name="analytics_log_client",
                condition=models.Q(client_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class CoachState(models.Model):
    """A coach partition: its time zone (from auth.user.updated, UTC until one says otherwise) and
    whether a rebuild holds it (the live fold leaves its events for later meanwhile)."""

    coach_id = models.UUIDField(primary_key=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    time_zone_at = models.DateTimeField(null=True)
    rebuilding = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.coach_id} ({self.time_zone})"


class DayMetric(models.Model):
    """One additive counter of one day: a coach's (its local day) or the platform's (UTC day, kept
    per coach partition so a coach's rebuild replaces only its own share)."""

    id = models.BigAutoField(primary_key=True)
    scope = models.CharField(max_length=8)
    coach_id = models.UUIDField()
    day = models.DateField()
    metric = models.CharField(max_length=40)
    dimension = models.CharField(max_length=40, default="", blank=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "coach_id", "day", "metric", "dimension"], name="analytics_day_metric_unique"
            )
        ]
        indexes = [models.Index(fields=["scope", "day"], name="analytics_day_metric_day")]

    def __str__(self) -> str:
        return f"{self.scope} {self.coach_id} {self.day} {self.metric}[{self.dimension}]={self.value}"


class Activity(models.Model):
    """A day someone was active: a learner's progress (coach's local day) or any event of a coach
    (UTC day). Distinct counts over a window are taken from these, never added up."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=8)
    coach_id = models.UUIDField()
    subject_id = models.UUIDField()
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "coach_id", "day", "subject_id"], name="analytics_activity_unique")
        ]
        indexes = [models.Index(fields=["kind", "day"], name="analytics_activity_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} {self.day}"


class Subscription(models.Model):
    """The latest known state of a coach's platform subscription (for MRR and its movements)."""

    subscription_id = models.UUIDField(primary_key=True)
    coach_id = models.UUIDField(db_index=True)
    status = models.CharField(max_length=20)
    monthly_amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.status} {self.monthly_amount} {self.currency}"


class Enrollment(models.Model):
    """A client's enrollment as courses' events told it: the latest progress wins."""

    enrollment_id = models.UUIDField(primary_key=True)
    coach_id = models.UUIDField()
    course_id = models.UUIDField()
    client_id = models.UUIDField()
    enrolled_at = models.DateTimeField(null=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    completed_lessons = models.PositiveIntegerField(default=0)
    total_lessons = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["coach_id", "course_id"], name="analytics_enrollment_course"),
            models.Index(fields=["coach_id", "client_id"], name="analytics_enrollment_client"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.progress_percent}%"


class LessonCompletion(models.Model):
    """An enrollment completed a lesson; ``position`` is how many lessons it had completed then."""

    id = models.BigAutoField(primary_key=True)
    coach_id = models.UUIDField()
    course_id = models.UUIDField()
    lesson_id = models.UUIDField()
    enrollment_id = models.UUIDField()
    position = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment_id", "lesson_id"], name="analytics_lesson_completion_unique")
        ]
        indexes = [models.Index(fields=["coach_id", "course_id"], name="analytics_lesson_course")]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.lesson_id} #{self.position}"


class ClientHealth(models.Model):
    """The facts a client's health score is computed from (rules.health_parts), per coach's client."""

    id = models.BigAutoField(primary_key=True)
    coach_id = models.UUIDField()
    client_id = models.UUIDField()
    last_active_at = models.DateTimeField(null=True)
    emails_sent = models.PositiveIntegerField(default=0)
    emails_opened = models.PositiveIntegerField(default=0)
    emails_clicked = models.PositiveIntegerField(default=0)
    payment_state = models.CharField(max_length=10, blank=True, default="")
    payment_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach_id", "client_id"], name="analytics_client_health_unique")]

    def __str__(self) -> str:
        return f"{self.coach_id} {self.client_id}"


class SnapshotPending(models.Model):
    """A (scope, coach, day) whose numbers changed and whose snapshot event is not published yet.

    The fold marks days here; they are announced together once the oldest has waited
    ``ANALYTICS_SNAPSHOT_DELAY_SECONDS``, so a day that changes again and again under load is
    announced once per delay rather than once per batch.
    """

    id = models.BigAutoField(primary_key=True)
    scope = models.CharField(max_length=8)
    coach_id = models.UUIDField()
    day = models.DateField()
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "coach_id", "day"], name="analytics_snapshot_pending_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.coach_id} {self.day}"
