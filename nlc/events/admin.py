"""The bus tables in the Django admin. Each context keeps its own copy, so every page has a
"context" filter that picks the alias; rows are read-only, dead letters can be requeued or purged."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages

from nlc.db.router import alias_for_context
from nlc.events.backends import backend
from nlc.events.models import DeadLetter, InboxEntry, OutboxEvent


class ContextFilter(admin.SimpleListFilter):
    title = "context"
    parameter_name = "context"

    def lookups(self, request, model_admin):
        return [(name, name) for name in settings.NLC_CONTEXTS]

    def value(self):
        value = super().value()
        return value if value in settings.NLC_CONTEXTS else next(iter(settings.NLC_CONTEXTS))

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset  # the alias is chosen in get_queryset


class PerContextAdmin(admin.ModelAdmin):
    list_display_links = None  # read-only lists: the rows belong to the bus, not to editors

    def context_of(self, request) -> str:
        value = request.GET.get("context")
        return value if value in settings.NLC_CONTEXTS else next(iter(settings.NLC_CONTEXTS))

    def get_queryset(self, request):
        return super().get_queryset(request).using(alias_for_context(self.context_of(request)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(PerContextAdmin):
    list_display = (
        "id",
        "event_type",
        "aggregate_id",
        "created_at",
        "published_at",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = (ContextFilter, "event_type")
    search_fields = ("event_id", "aggregate_id")
    ordering = ("-id",)


@admin.register(InboxEntry)
class InboxEntryAdmin(PerContextAdmin):
    list_display = ("event_id", "event_type", "handler", "processed_at")
    list_filter = (ContextFilter, "event_type", "handler")
    search_fields = ("event_id",)
    ordering = ("-id",)


@admin.register(DeadLetter)
class DeadLetterAdmin(PerContextAdmin):
    list_display = ("id", "event_type", "event_id", "status", "attempts", "created_at", "next_attempt_at", "reason")
    list_filter = (ContextFilter, "status", "event_type")
    search_fields = ("event_id",)
    ordering = ("-created_at",)
    actions = ("requeue_all", "purge_all")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Requeue every dead letter of this context")
    def requeue_all(self, request, queryset):
        context = self.context_of(request)
        self.message_user(request, f"Requeued {backend().requeue(context)} message(s) of {context}.")

    @admin.action(description="Purge every dead letter of this context")
    def purge_all(self, request, queryset):
        context = self.context_of(request)
        purged = backend().purge(context)
        self.message_user(request, f"Purged {purged} message(s) of {context}.", level=messages.WARNING)
