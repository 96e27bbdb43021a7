from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "contexts.comms"
    label = "comms"
    verbose_name = "Comms"
