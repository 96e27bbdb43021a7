"""Build the production database layout for a test session.

Django's test runner creates and migrates only the first of several aliases that share one
database. The suite needs what production has: one database, every context's schema and role, and
every alias migrated into its own schema. Names carry the test process's pid, so xdist workers and
concurrent runs never collide; everything is dropped at the end, and the leftovers of a run that
crashed (its pid no longer alive) are dropped at the next start.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from psycopg import sql

from nlc.db.provisioning import admin_connect, drop_roles, provision
from nlc.db.specs import schema_specs


def _drop_database(name: str) -> None:
    with admin_connect(settings.DATABASE_URL, dbname="postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_leftovers() -> None:
    with admin_connect(settings.DATABASE_URL, dbname="postgres") as admin:
        databases = [
            row[0] for row in admin.execute("SELECT datname FROM pg_database WHERE datname ~ '^test_nlc_[0-9]+$'")
        ]
        roles = [row[0] for row in admin.execute("SELECT rolname FROM pg_roles WHERE rolname ~ '^nlct_[0-9]+_'")]
    for database in databases:
        if not _alive(int(database.rsplit("_", 1)[1])):
            _drop_database(database)
    stale = [role for role in roles if not _alive(int(role.split("_")[1]))]
    if stale:
        with admin_connect(settings.DATABASE_URL, dbname="postgres") as admin:
            drop_roles(admin, stale)


def create_test_layout() -> tuple[str, list[str]]:
    _drop_leftovers()
    pid = os.getpid()
    test_db = f"test_nlc_{pid}"
    settings.NLC_DB_ROLE_PREFIX = f"nlct_{pid}_"
    roles = [spec.role for spec in schema_specs()]
    with admin_connect(settings.DATABASE_URL, dbname="postgres") as admin:
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
