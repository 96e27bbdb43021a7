"""The {{name}} context's Django app: its label, and its event handlers registered at start-up."""

from importlib import import_module

from django.apps import AppConfig


class {{AppConfig}}(AppConfig):
    name = "contexts.{{name}}"
    label = "{{name}}"
    verbose_name = "{{Verbose}}"

    def ready(self):
        # The @handles decorators of consumers.py register the handlers when it is imported.
        import_module(f"{self.name}.consumers")
