"""The analytics context's Django app. Its handlers in consumers.py are registered at start-up by the
event bus (nlc.events autodiscovers every enabled context's consumers module)."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "contexts.analytics"
    label = "analytics"
    verbose_name = "Analytics"
