from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "contexts.analytics"
    label = "analytics"
    verbose_name = "Analytics"
