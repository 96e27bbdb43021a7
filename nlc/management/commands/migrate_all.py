from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


class Command(BaseCommand):
    help = "Apply migrations on every enabled context's alias (each context lands only in its schema)."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        for alias in connections:
            self.stdout.write(f"Migrating alias {alias}")
            call_command("migrate", database=alias, interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write(self.style.SUCCESS(f"Migrated {len(connections.databases)} alias(es)."))
