"""The analytics rows in the Django admin, read-only: the fold and rebuilds write them."""

from django.contrib import admin

from contexts.analytics.models import (
    Activity,
    ClientHealth,
    CoachState,
    DayMetric,
    Enrollment,
    LessonCompletion,
    LoggedEvent,
    SnapshotPending,
    Subscription,
)
from nlc.admin import ReadOnlyAdmin


@admin.register(LoggedEvent)
class LoggedEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "event_type", "version", "coach_id", "moment", "folded")
    list_filter = ("event_type", "folded")
    search_fields = ("=event_id", "=coach_id", "=client_id")


@admin.register(CoachState)
class CoachStateAdmin(ReadOnlyAdmin):
    list_display = ("coach_id", "time_zone", "time_zone_at", "rebuilding")
    search_fields = ("=coach_id",)


@admin.register(DayMetric)
class DayMetricAdmin(ReadOnlyAdmin):
    list_display = ("scope", "coach_id", "day", "metric", "dimension", "value")
    list_filter = ("scope", "metric")
    search_fields = ("=coach_id",)
    date_hierarchy = "day"


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("kind", "coach_id", "subject_id", "day")
    list_filter = ("kind",)


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("subscription_id", "coach_id", "status", "monthly_amount", "currency", "changed_at")


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ("enrollment_id", "coach_id", "course_id", "progress_percent", "completed_at")


@admin.register(LessonCompletion)
class LessonCompletionAdmin(ReadOnlyAdmin):
    list_display = ("enrollment_id", "lesson_id", "position")


@admin.register(ClientHealth)
class ClientHealthAdmin(ReadOnlyAdmin):
    list_display = ("coach_id", "client_id", "last_active_at", "payment_state")


@admin.register(SnapshotPending)
class SnapshotPendingAdmin(ReadOnlyAdmin):
    list_display = ("scope", "coach_id", "day", "marked_at")
