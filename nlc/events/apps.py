from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The event bus: its tables (outbox, inbox, dead letters) exist in every context's schema."""

    name = "nlc.events"
    label = "nlc_events"
    verbose_name = "Event bus"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from nlc.events import registry

        registry.autodiscover()
        from nlc.events import checks, health, notices  # noqa: F401 - registers system and readiness checks

        notices.connect()
