from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = "Load development demo data: each enabled context's demo.seed() runs in turn. Idempotent."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            self.stderr.write("seed_demo is for development only; refusing in production.")
            return
        for context in settings.NLC_CONTEXTS.values():
            package = import_module(context.module)
            if module_has_submodule(package, "demo"):
                import_module(f"{context.module}.demo").seed(stdout=self.stdout)
