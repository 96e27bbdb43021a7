"""The leads context's tables, in its own schema. Foreign keys only inside the context; other
contexts' entities by their ``*_id`` UUID, kept from the events that named them.

A person is named by the shared ``client_id`` (nlc.clients.client_id_for: coach + e-mail), whether
still a lead or already a client, so the timeline, the export and the erasure find everything by it.
"""

from django.db import models

from nlc.db.models import TimeStampedModel


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    BOOKED = "booked", "Booked"
    CLIENT = "client", "Client"
    LOST = "lost", "Lost"


class LeadSource(models.TextChoices):
    LANDING_PAGE = "landing_page", "Landing page"
    CALENDLY = "calendly", "Calendly"
    MANUAL = "manual", "Added by the coach"
    IMPORT = "import", "CSV import"


class Coach(TimeStampedModel):
    """A copy of a coach (its id is the coach id), kept from auth.user.created."""

    email = models.EmailField(max_length=254, unique=True)

    def __str__(self) -> str:
        return self.email


class LeadForm(TimeStampedModel):
    """A coach's landing form: its public ``key`` is the intake URL; rotating it retires the old one."""

    coach_id = models.UUIDField(db_index=True)
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Lead(TimeStampedModel):
    """One person in a coach's pipeline: the same e-mail for the same coach is one lead."""

    coach_id = models.UUIDField()
    client_id = models.UUIDField(db_index=True)
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=32, blank=True, default="")
    message = models.TextField(blank=True, default="")
    source = models.CharField(max_length=20, choices=LeadSource.choices)
    form = models.ForeignKey(LeadForm, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    status = models.CharField(max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    tags = models.JSONField(default=list, blank=True)  # lower-case strings (rules.tags_clean)
    utm_source = models.CharField(max_length=200, blank=True, default="")
    utm_medium = models.CharField(max_length=200, blank=True, default="")
    utm_campaign = models.CharField(max_length=200, blank=True, default="")
    referrer = models.CharField(max_length=500, blank=True, default="")
    consent_text = models.TextField(blank=True, default="")
    consent_at = models.DateTimeField(null=True, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    last_touch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach_id", "email"], name="leads_lead_one_per_email")]
        indexes = [
            models.Index(fields=["coach_id", "-created_at"], name="leads_lead_coach_newest"),
            models.Index(fields=["coach_id", "status"], name="leads_lead_coach_status"),
        ]

    def __str__(self) -> str:
        return self.email


class LeadNote(TimeStampedModel):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notes")
    author_id = models.UUIDField(null=True, blank=True)
    body = models.TextField()

    def __str__(self) -> str:
        return self.body[:50]


class CalendlyConnection(TimeStampedModel):
    """The Calendly user (and organization) a coach connected: how a booking finds its coach.

    The personal access token is kept encrypted (contexts/leads/secrets.py)."""

    coach_id = models.UUIDField(unique=True)
    user_uri = models.URLField(max_length=300, unique=True)
    organization_uri = models.URLField(max_length=300, blank=True, default="")
    access_token_encrypted = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.user_uri


class BookingStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CANCELED = "canceled", "Canceled"


class Booking(TimeStampedModel):
    """A Calendly invitee of one of the coach's events."""

    coach_id = models.UUIDField(db_index=True)
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="bookings")
    invitee_uri = models.URLField(max_length=300, unique=True)
    event_uri = models.URLField(max_length=300)
    event_type_uri = models.URLField(max_length=300, blank=True, default="")
    event_name = models.CharField(max_length=300, blank=True, default="")
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=BookingStatus.choices, default=BookingStatus.ACTIVE)
    cancel_reason = models.CharField(max_length=500, blank=True, default="")
    canceled_at = models.DateTimeField(null=True, blank=True)
    reschedule_url = models.URLField(max_length=300, blank=True, default="")
    cancel_url = models.URLField(max_length=300, blank=True, default="")
    booked_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.invitee_uri


class Client(TimeStampedModel):
    """A person who paid the coach (a purchase or any payment naming them)."""

    coach_id = models.UUIDField()
    client_id = models.UUIDField(db_index=True)
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True, default="")
    lead = models.OneToOneField(Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="client")
    first_paid_at = models.DateTimeField()
    total_paid = models.BigIntegerField(default=0)  # minor units of ``currency``, net of refunds
    currency = models.CharField(max_length=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach_id", "client_id"], name="leads_client_one_per_person")]
        indexes = [models.Index(fields=["coach_id", "-first_paid_at"], name="leads_client_coach_newest")]

    def __str__(self) -> str:
        return self.email


class ClientPayment(TimeStampedModel):
    """A payment of a client, kept from billing's events: the total and the once-only conversion."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="payments")
    transaction_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=30)
    course_id = models.UUIDField(null=True, blank=True)
    amount = models.BigIntegerField()
    refunded_amount = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    paid_at = models.DateTimeField()


class ClientEnrollment(TimeStampedModel):
    """A client's enrollment in a course, kept from courses' events."""

    coach_id = models.UUIDField()
    client_id = models.UUIDField(db_index=True)
    enrollment_id = models.UUIDField(unique=True)
    course_id = models.UUIDField()
    course_title = models.CharField(max_length=300, blank=True, default="")
    progress_percent = models.PositiveSmallIntegerField(default=0)
    enrolled_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)


class TimelineKind(models.TextChoices):
    FORM_SUBMITTED = "form_submitted", "Form submitted"
    LEAD_ADDED = "lead_added", "Lead added"
    BOOKING_MADE = "booking_made", "Booking made"
    BOOKING_CANCELED = "booking_canceled", "Booking cancelled"
    STATUS_CHANGED = "status_changed", "Status changed"
    NOTE_ADDED = "note_added", "Note added"
    EMAIL_SENT = "email_sent", "E-mail sent"
    EMAIL_OPENED = "email_opened", "E-mail opened"
    EMAIL_CLICKED = "email_clicked", "E-mail clicked"
    PAYMENT_COMPLETED = "payment_completed", "Payment"
    PAYMENT_REFUNDED = "payment_refunded", "Refund"
    ENROLLED = "enrolled", "Enrolled"
    PROGRESS = "progress", "Progress milestone"
    COURSE_COMPLETED = "course_completed", "Course completed"


class TimelineEntry(TimeStampedModel):
    """One touch of a person, in time order: written by the service that learns of it."""

    coach_id = models.UUIDField()
    client_id = models.UUIDField()
    kind = models.CharField(max_length=30, choices=TimelineKind.choices)
    occurred_at = models.DateTimeField()
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["coach_id", "client_id", "occurred_at", "created_at"], name="leads_timeline_person_order"
            )
        ]


class LeadStat(TimeStampedModel):
    """A coach's day: new leads by source, bookings, cancellations and conversions, kept as they happen."""

    coach_id = models.UUIDField()
    day = models.DateField()
    new_landing_page = models.PositiveIntegerField(default=0)
    new_calendly = models.PositiveIntegerField(default=0)
    new_manual = models.PositiveIntegerField(default=0)
    new_import = models.PositiveIntegerField(default=0)
    bookings = models.PositiveIntegerField(default=0)
    cancellations = models.PositiveIntegerField(default=0)
    conversions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach_id", "day"], name="leads_stat_one_per_day")]
