from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "contexts.integrations"
    label = "integrations"
    verbose_name = "Integrations"
