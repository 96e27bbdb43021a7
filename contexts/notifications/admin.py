"""The notifications rows in the Django admin, read-only: they are written through the services."""

from django.contrib import admin

from contexts.notifications.models import Notification, Preference, UnreadCounter, User
from nlc.admin import ReadOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "recipient_user_id", "seq", "read_at", "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "=recipient_user_id", "=coach_id", "key")
    date_hierarchy = "created_at"


@admin.register(UnreadCounter)
class UnreadCounterAdmin(ReadOnlyAdmin):
    list_display = ("user_id", "unread", "last_seq", "updated_at")
    search_fields = ("=user_id",)


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ("user_id", "kind", "in_app", "updated_at")
    search_fields = ("=user_id", "kind")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "role", "status", "coach_id")
    list_filter = ("role", "status")
    search_fields = ("email", "=id")
