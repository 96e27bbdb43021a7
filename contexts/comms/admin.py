"""Every comms row in the Django admin, read-only: messages are written by comms' services (with the
local provider, this is where a developer reads the e-mails), templates through the API."""

from django.contrib import admin

from contexts.comms.models import (
    CoachContact,
    MailgunEvent,
    Message,
    ScheduledEmail,
    SenderIdentity,
    Sequence,
    SequenceRun,
    Suppression,
    Template,
)
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


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin):
    list_display = ("name", "coach_id", "trigger", "trigger_value", "status", "created_at")
    list_filter = ("trigger", "status")
    search_fields = ("=coach_id", "name")


@admin.register(SequenceRun)
class SequenceRunAdmin(ReadOnlyAdmin):
    list_display = ("recipient_email", "sequence", "status", "next_position", "next_send_at", "exit_reason")
    list_filter = ("status", "exit_reason")
    search_fields = ("=recipient_email", "=coach_id")


@admin.register(ScheduledEmail)
class ScheduledEmailAdmin(ReadOnlyAdmin):
    list_display = ("template_key", "coach_id", "send_at", "status", "message_count")
    list_filter = ("status",)
    search_fields = ("=coach_id",)


@admin.register(SenderIdentity)
class SenderIdentityAdmin(ReadOnlyAdmin):
    list_display = ("coach_id", "from_name", "reply_to", "updated_at")
    search_fields = ("=coach_id",)
