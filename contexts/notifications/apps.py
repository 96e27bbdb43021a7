"""The notifications context's Django app. Its handlers in consumers.py are registered at start-up by the
event bus (nlc.events autodiscovers every enabled context's consumers module)."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "contexts.notifications"
    label = "notifications"
    verbose_name = "Notifications"
