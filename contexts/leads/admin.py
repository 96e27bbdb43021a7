"""The leads rows in the Django admin, read-only: they are written through the services."""

from django.contrib import admin

from contexts.leads.models import (
    Booking,
    CalendlyConnection,
    Client,
    ClientEnrollment,
    ClientPayment,
    Coach,
    Lead,
    LeadForm,
    LeadNote,
    LeadStat,
    TimelineEntry,
)
from nlc.admin import ReadOnlyAdmin


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ("email", "name", "status", "source", "coach_id", "created_at")
    list_filter = ("status", "source")
    search_fields = ("email", "name", "=coach_id", "=client_id")
    date_hierarchy = "created_at"


@admin.register(LeadForm)
class LeadFormAdmin(ReadOnlyAdmin):
    list_display = ("name", "coach_id", "is_active", "created_at")
    search_fields = ("name", "=coach_id")
    exclude = ("key",)


@admin.register(Client)
class ClientAdmin(ReadOnlyAdmin):
    list_display = ("email", "name", "coach_id", "total_paid", "currency", "first_paid_at")
    search_fields = ("email", "name", "=coach_id", "=client_id")


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("event_name", "coach_id", "status", "start_at")
    list_filter = ("status",)
    search_fields = ("=coach_id", "invitee_uri")


@admin.register(CalendlyConnection)
class CalendlyConnectionAdmin(ReadOnlyAdmin):
    list_display = ("coach_id", "user_uri", "updated_at")
    search_fields = ("=coach_id", "user_uri")
    exclude = ("access_token_encrypted",)


@admin.register(LeadStat)
class LeadStatAdmin(ReadOnlyAdmin):
    list_display = ("coach_id", "day", "bookings", "conversions")
    search_fields = ("=coach_id",)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ("coach_id", "client_id", "kind", "occurred_at")
    list_filter = ("kind",)
    search_fields = ("=coach_id", "=client_id")


admin.site.register(Coach, ReadOnlyAdmin)
admin.site.register(LeadNote, ReadOnlyAdmin)
admin.site.register(ClientPayment, ReadOnlyAdmin)
admin.site.register(ClientEnrollment, ReadOnlyAdmin)
