"""Every comms row in the Django admin, read-only: messages are written by comms' services (with the
local provider, this is where a developer reads the e-mails), templates through the API."""

from django.contrib import admin

from contexts.comms.models import CoachContact, MailgunEvent, Message, Suppression, Template
from nlc.admin import ReadOnlyAdmin


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient_email", "template_key", "status", "provider", "attempts")
    list_filter = ("status", "template_key", "provider", "category")
    search_fields = ("=recipient_email", "=id", "=provider_message_id", "=trigger_event_id", "=coach_id")


@admin.register(Template)
class TemplateAdmin(ReadOnlyAdmin):
    list_display = ("key", "version", "coach_id", "category", "created_at")
    list_filter = ("key", "category")
    search_fields = ("=coach_id", "key")


@admin.register(Suppression)
class SuppressionAdmin(ReadOnlyAdmin):
    list_display = ("email", "coach_id", "reason", "created_at")
    list_filter = ("reason",)
    search_fields = ("=email", "=coach_id")


@admin.register(CoachContact)
class CoachContactAdmin(ReadOnlyAdmin):
    list_display = ("coach_id", "email", "first_name", "last_name", "updated_at")
    search_fields = ("=email", "=coach_id")


@admin.register(MailgunEvent)
class MailgunEventAdmin(ReadOnlyAdmin):
    list_display = ("provider_event_id", "event_type", "outcome", "processed_at")
    list_filter = ("event_type", "outcome")
