from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The gateway's API defaults: no models, one management command (openapi_export)."""

    name = "nlc.api"
    label = "nlc_api"
    verbose_name = "NextLevelCoach API"

    def ready(self):
        # Registers the OpenAPI extension describing PrincipalAuthentication.
        from nlc.api import schema  # noqa: F401
