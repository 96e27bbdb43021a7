"""The {{name}} context's Django app. Its handlers in consumers.py are registered at start-up by the
event bus (nlc.events autodiscovers every enabled context's consumers module)."""

from django.apps import AppConfig


class {{AppConfig}}(AppConfig):
    name = "contexts.{{name}}"
    label = "{{name}}"
    verbose_name = "{{Verbose}}"
