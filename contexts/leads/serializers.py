"""Input and output shapes of the leads API. Fields are declared by their camelCase wire name and
read or write the snake_case attribute (CamelCaseSerializer); no logic here."""

from rest_framework import serializers

from contexts.leads.models import LeadSource, LeadStatus
from contexts.leads.rules import phone_valid, tag_valid, text_clean
from nlc.api.serializers import CamelCaseSerializer

PHONE_INVALID = "Enter a valid phone number."
TAG_INVALID = "A tag is at most 50 letters, digits, spaces, dots or dashes."


class PhoneField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = text_clean(super().to_internal_value(data))
        if value and not phone_valid(value):
            raise serializers.ValidationError(PHONE_INVALID)
        return value


class TagField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not tag_valid(value):
            raise serializers.ValidationError(TAG_INVALID)
        return value


def _optional_text(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, default="")


# --- Forms -------------------------------------------------------------------------------------
class LeadFormSerializer(CamelCaseSerializer):
    id = serializers.UUIDField(read_only=True)
    coachId = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    key = serializers.CharField(read_only=True, help_text="The public intake URL is /leads/intake/{key}.")
    isActive = serializers.BooleanField(read_only=True)
    rotatedAt = serializers.DateTimeField(read_only=True, allow_null=True)
    createdAt = serializers.DateTimeField(read_only=True)
    updatedAt = serializers.DateTimeField(read_only=True)


class LeadFormCreateInputSerializer(CamelCaseSerializer):
    name = serializers.CharField(max_length=200)


class LeadFormUpdateInputSerializer(CamelCaseSerializer):
    name = serializers.CharField(max_length=200, required=False)
    isActive = serializers.BooleanField(required=False)


class CoachFilterSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")


# --- Intake ------------------------------------------------------------------------------------
class IntakeInputSerializer(CamelCaseSerializer):
    """A landing form's submission. ``website`` is the honeypot: people leave it empty."""

    email = serializers.EmailField(max_length=254)
    name = _optional_text(200)
    phone = PhoneField()
    message = _optional_text(5000)
    consentText = _optional_text(1000)
    consentAt = serializers.DateTimeField(required=False, allow_null=True, default=None)
    utmSource = _optional_text(200)
    utmMedium = _optional_text(200)
    utmCampaign = _optional_text(200)
    referrer = _optional_text(500)
    website = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class IntakeResultSerializer(CamelCaseSerializer):
    received = serializers.BooleanField()


# --- Leads -------------------------------------------------------------------------------------
class LeadSerializer(CamelCaseSerializer):
    id = serializers.UUIDField(read_only=True)
    coachId = serializers.UUIDField(read_only=True)
    clientId = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    formId = serializers.UUIDField(read_only=True, allow_null=True)
    status = serializers.CharField(read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    utmSource = serializers.CharField(read_only=True)
    utmMedium = serializers.CharField(read_only=True)
    utmCampaign = serializers.CharField(read_only=True)
    referrer = serializers.CharField(read_only=True)
    consentText = serializers.CharField(read_only=True)
    consentAt = serializers.DateTimeField(read_only=True, allow_null=True)
    convertedAt = serializers.DateTimeField(read_only=True, allow_null=True)
    lastTouchAt = serializers.DateTimeField(read_only=True, allow_null=True)
    createdAt = serializers.DateTimeField(read_only=True)
    updatedAt = serializers.DateTimeField(read_only=True)


class LeadFilterSerializer(CoachFilterSerializer):
    status = serializers.ChoiceField(choices=LeadStatus.values, required=False)
    source = serializers.ChoiceField(choices=LeadSource.values, required=False)
    tag = serializers.CharField(max_length=50, required=False)
    createdFrom = serializers.DateField(required=False)
    createdTo = serializers.DateField(required=False)
    q = serializers.CharField(max_length=200, required=False, help_text="Free text over name and e-mail.")


class LeadCreateInputSerializer(CamelCaseSerializer):
    email = serializers.EmailField(max_length=254)
    name = _optional_text(200)
    phone = PhoneField()
    message = _optional_text(5000)
    tags = serializers.ListField(child=TagField(), required=False, default=list, max_length=50)


class LeadUpdateInputSerializer(CamelCaseSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = PhoneField(default=None, allow_null=True)
    tags = serializers.ListField(child=TagField(), required=False, max_length=50)


class LeadStatusInputSerializer(CamelCaseSerializer):
    status = serializers.ChoiceField(choices=LeadStatus.values)


class LeadNoteSerializer(CamelCaseSerializer):
    id = serializers.UUIDField(read_only=True)
    leadId = serializers.UUIDField(read_only=True)
    authorId = serializers.UUIDField(read_only=True, allow_null=True)
    body = serializers.CharField(read_only=True)
    createdAt = serializers.DateTimeField(read_only=True)


class LeadNoteInputSerializer(CamelCaseSerializer):
    body = serializers.CharField(max_length=10000)


# --- Import ------------------------------------------------------------------------------------
class LeadImportInputSerializer(CamelCaseSerializer):
    csv = serializers.CharField(
        trim_whitespace=False,
        help_text="The CSV text: a header row with email (required), name, phone, tags (separated by ;), message.",
    )
    dryRun = serializers.BooleanField(default=True)


class ImportRowSerializer(CamelCaseSerializer):
    row = serializers.IntegerField()
    email = serializers.CharField()
    result = serializers.ChoiceField(choices=["created", "updated", "error"])
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ImportReportSerializer(CamelCaseSerializer):
    dryRun = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    failed = serializers.IntegerField()
    rows = ImportRowSerializer(many=True)


# --- Clients -----------------------------------------------------------------------------------
class ClientSerializer(CamelCaseSerializer):
    id = serializers.UUIDField(read_only=True)
    coachId = serializers.UUIDField(read_only=True)
    clientId = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(read_only=True)
    leadId = serializers.UUIDField(read_only=True, allow_null=True)
    firstPaidAt = serializers.DateTimeField(read_only=True)
    totalPaid = serializers.IntegerField(read_only=True, help_text="Minor units of currency, net of refunds.")
    currency = serializers.CharField(read_only=True)


class ClientEnrollmentSerializer(CamelCaseSerializer):
    enrollmentId = serializers.UUIDField()
    courseId = serializers.UUIDField()
    courseTitle = serializers.CharField()
    progressPercent = serializers.IntegerField()
    enrolledAt = serializers.DateTimeField()
    completedAt = serializers.DateTimeField(allow_null=True)


class ClientDetailSerializer(ClientSerializer):
    enrollments = ClientEnrollmentSerializer(many=True, read_only=True)


class ClientFilterSerializer(CoachFilterSerializer):
    q = serializers.CharField(max_length=200, required=False, help_text="Free text over name and e-mail.")


# --- Calendly and bookings ---------------------------------------------------------------------
class CalendlyConnectionSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField(read_only=True)
    userUri = serializers.URLField(read_only=True)
    organizationUri = serializers.CharField(read_only=True)
    hasAccessToken = serializers.SerializerMethodField()
    updatedAt = serializers.DateTimeField(read_only=True)

    def get_hasAccessToken(self, row) -> bool:
        return bool(row.access_token_encrypted)


class CalendlyConnectionInputSerializer(CamelCaseSerializer):
    userUri = serializers.URLField(max_length=300, help_text="https://api.calendly.com/users/...")
    organizationUri = serializers.URLField(max_length=300, required=False, allow_blank=True, default="")
    accessToken = serializers.CharField(
        max_length=2000, required=False, write_only=True, help_text="Kept encrypted; never shown again."
    )


class BookingSerializer(CamelCaseSerializer):
    id = serializers.UUIDField(read_only=True)
    coachId = serializers.UUIDField(read_only=True)
    leadId = serializers.UUIDField(read_only=True)
    clientId = serializers.UUIDField(source="lead.client_id", read_only=True)
    email = serializers.EmailField(source="lead.email", read_only=True)
    eventName = serializers.CharField(read_only=True)
    eventTypeUri = serializers.CharField(read_only=True)
    startAt = serializers.DateTimeField(read_only=True)
    endAt = serializers.DateTimeField(read_only=True)
    status = serializers.CharField(read_only=True)
    cancelReason = serializers.CharField(read_only=True)
    canceledAt = serializers.DateTimeField(read_only=True, allow_null=True)
    rescheduleUrl = serializers.CharField(read_only=True)
    bookedAt = serializers.DateTimeField(read_only=True)


# --- Stats and timeline ------------------------------------------------------------------------
class StatsFilterSerializer(CoachFilterSerializer):
    dateFrom = serializers.DateField(required=False)
    dateTo = serializers.DateField(required=False)


class DayStatsSerializer(CamelCaseSerializer):
    day = serializers.DateField()
    newLeads = serializers.IntegerField()
    newBySource = serializers.DictField(child=serializers.IntegerField())
    bookings = serializers.IntegerField()
    cancellations = serializers.IntegerField()
    conversions = serializers.IntegerField()
    conversionRate = serializers.FloatField(allow_null=True, help_text="Conversions per new lead of the day.")


class TimelineEntrySerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    occurredAt = serializers.DateTimeField()
    summary = serializers.CharField()
    data = serializers.DictField()


class PersonFilterSerializer(CoachFilterSerializer):
    pass


class PersonExportSerializer(CamelCaseSerializer):
    clientId = serializers.UUIDField()
    coachId = serializers.UUIDField()
    data = serializers.DictField()
