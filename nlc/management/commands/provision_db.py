from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections

from nlc.db.provisioning import admin_connect, provision
from nlc.db.specs import schema_specs


class Command(BaseCommand):
    help = "Create every enabled context's schema and role (nlc_<context>) in PostgreSQL. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            default=settings.DATABASE_URL,
            help="Administrator connection (default: DATABASE_URL).",
        )

    def handle(self, *args, database_url, **options):
        if not database_url:
            self.stdout.write("Embedded default (SQLite per context): nothing to provision.")
            return
        dbname = connections["default"].settings_dict["NAME"]
        with admin_connect(database_url, dbname=dbname) as connection:
            done = provision(connection, schema_specs())
        for line in done:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(f"Provisioned {len(settings.NLC_CONTEXTS)} context(s): ")
            + ("nothing to change." if not done else f"{len(done)} change(s).")
        )
