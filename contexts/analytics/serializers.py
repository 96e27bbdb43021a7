"""Input and output shapes of the analytics API. Fields are declared by their camelCase wire name and
read or write the snake_case attribute (CamelCaseSerializer); no logic here."""

from rest_framework import serializers

from nlc.api.serializers import CamelCaseSerializer

BUCKETS = ("day", "week", "month")


class CoachFilterSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")


class RangeFilterSerializer(CoachFilterSerializer):
    dateFrom = serializers.DateField(help_text="First day (the coach's local day; UTC for the platform).")
    dateTo = serializers.DateField(help_text="Last day, included; at most 400 days after dateFrom.")
    bucket = serializers.ChoiceField(choices=BUCKETS, default="day")


class PlatformFilterSerializer(CamelCaseSerializer):
    dateFrom = serializers.DateField(help_text="First UTC day.")
    dateTo = serializers.DateField(help_text="Last UTC day, included; at most 400 days after dateFrom.")
    bucket = serializers.ChoiceField(choices=BUCKETS, default="day")


class RevenueSerializer(CamelCaseSerializer):
    currency = serializers.CharField()
    gross = serializers.IntegerField(help_text="Minor units.")
    refunds = serializers.IntegerField()
    net = serializers.IntegerField()
    courseSales = serializers.IntegerField(help_text="Of gross: course purchases, minor units.")


class EmailCountsSerializer(CamelCaseSerializer):
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    opened = serializers.IntegerField()
    clicked = serializers.IntegerField()
    bounced = serializers.IntegerField()
    complained = serializers.IntegerField()


class KpisSerializer(CamelCaseSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    revenue = RevenueSerializer(many=True)
    payments = serializers.IntegerField()
    paymentsFailed = serializers.IntegerField()
    courseSales = serializers.IntegerField()
    newLeads = serializers.IntegerField()
    newLeadsBySource = serializers.DictField(child=serializers.IntegerField())
    bookings = serializers.IntegerField()
    conversions = serializers.IntegerField()
    conversionRate = serializers.FloatField(allow_null=True, help_text="Conversions per new lead; null without leads.")
    enrollments = serializers.IntegerField()
    completions = serializers.IntegerField()
    activeLearners7d = serializers.IntegerField(source="active_learners_7d", help_text="At the last day.")
    activeLearners28d = serializers.IntegerField(source="active_learners_28d", help_text="At the last day.")
    emails = EmailCountsSerializer()


class KpiReportSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField(allow_null=True, help_text="Null: every coach (admins).")
    timeZone = serializers.CharField(help_text="The zone the days are the coach's days in.")
    dateFrom = serializers.DateField()
    dateTo = serializers.DateField()
    bucket = serializers.CharField()
    totals = KpisSerializer()
    previous = KpisSerializer(help_text="The period of equal length just before.")
    buckets = KpisSerializer(many=True)


class PlatformMoneySerializer(CamelCaseSerializer):
    currency = serializers.CharField()
    mrr = serializers.IntegerField(help_text="At the last day, minor units per month.")
    mrrNew = serializers.IntegerField()
    mrrExpansion = serializers.IntegerField()
    mrrContraction = serializers.IntegerField()
    mrrChurn = serializers.IntegerField()
    gmv = serializers.IntegerField(help_text="Course sales of every coach, minor units.")


class WebhookHealthSerializer(CamelCaseSerializer):
    provider = serializers.CharField()
    received = serializers.IntegerField()
    processed = serializers.IntegerField()
    failed = serializers.IntegerField()
    deadLettered = serializers.IntegerField()


class PlatformKpisSerializer(CamelCaseSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    coachesNew = serializers.IntegerField()
    coachesActive = serializers.IntegerField(help_text="Coaches with any event in the period.")
    coachesChurned = serializers.IntegerField()
    courseSales = serializers.IntegerField()
    eventsDeadLettered = serializers.IntegerField(help_text="Events a context gave up on (bus dead letters).")
    money = PlatformMoneySerializer(many=True)
    webhooks = WebhookHealthSerializer(many=True)


class PlatformReportSerializer(CamelCaseSerializer):
    dateFrom = serializers.DateField()
    dateTo = serializers.DateField()
    bucket = serializers.CharField()
    totals = PlatformKpisSerializer()
    previous = PlatformKpisSerializer()
    buckets = PlatformKpisSerializer(many=True)


class CourseProgressSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField()
    courseId = serializers.UUIDField()
    enrollments = serializers.IntegerField()
    completions = serializers.IntegerField()
    averageProgress = serializers.FloatField(help_text="Mean of each enrollment's latest progress, 0 to 100.")


class LessonDropoffSerializer(CamelCaseSerializer):
    lessonId = serializers.UUIDField()
    position = serializers.IntegerField(help_text="Lessons completed when learners completed this one (its order).")
    learners = serializers.IntegerField()
    dropOff = serializers.IntegerField(help_text="Learners of the lesson before who did not complete this one.")


class CourseDropoffSerializer(CamelCaseSerializer):
    courseId = serializers.UUIDField()
    enrollments = serializers.IntegerField()
    lessons = LessonDropoffSerializer(many=True)


class HealthPartSerializer(CamelCaseSerializer):
    name = serializers.CharField()
    points = serializers.IntegerField()
    maxPoints = serializers.IntegerField()
    fact = serializers.CharField()


class ClientHealthSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField()
    clientId = serializers.UUIDField()
    score = serializers.IntegerField(help_text="0 to 100: the sum of the parts' points.")
    parts = HealthPartSerializer(many=True)
