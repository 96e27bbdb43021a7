from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """The shared kernel's own app: management commands and system checks; no models."""

    name = "nlc"
    label = "nlc"
    verbose_name = "NextLevelCoach platform"

    def ready(self):
        from nlc.observability import tracing

        tracing.configure()
