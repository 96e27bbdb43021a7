"""Build the production database layout for a test session.

Django's test runner creates and migrates only the first of several aliases that share one
database. The suite needs what production has: one database, every context's schema and role, and
every alias migrated into its own schema. Names carry the xdist worker id so workers never collide,
and everything is dropped at the end (a crashed run's leftovers are dropped at the next start).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from psycopg import sql

from nlc.db.provisioning import admin_connect, drop_roles, provision
from nlc.db.specs import schema_specs


def _drop_database(name: str) -> None:
    with admin_connect(settings.DATABASE_URL, dbname="postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def create_test_layout(*, worker: str) -> tuple[str, list[str]]:
    test_db = f"test_nlc_{worker}"
    settings.NLC_DB_ROLE_PREFIX = f"nlct_{worker}_"
    roles = [spec.role for spec in schema_specs()]
    _drop_database(test_db)
    with admin_connect(settings.DATABASE_URL, dbname="postgres") as admin:
        drop_roles(admin, roles)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(test_db)))
    for alias in connections:
        connections[alias].close()
        settings.DATABASES[alias]["NAME"] = test_db
        connections[alias].settings_dict["NAME"] = test_db
    with admin_connect(settings.DATABASE_URL, dbname=test_db) as admin:
        provision(admin, schema_specs())
    for alias in connections:
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    return test_db, roles


def drop_test_layout(test_db: str, roles: list[str]) -> None:
    for connection in connections.all():
        connection.close()
    _drop_database(test_db)
    with admin_connect(settings.DATABASE_URL, dbname="postgres") as admin:
        drop_roles(admin, roles)
