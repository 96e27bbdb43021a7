"""Create each context's schema and role, idempotently.

Every context gets a schema named after it and a login role ``<prefix><context>`` (``nlc_billing``)
that can use and create objects in that schema and nowhere else. Tables that the migrating user
creates there are granted to the role by default privileges, so the role can work with them whether
migrations ran as the role itself or as the administrator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class SchemaSpec:
    schema: str
    role: str
    password: str | None = None


def _scalar(cursor: psycopg.Cursor) -> Any:
    row = cursor.fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row[0]


def admin_connect(conninfo: str, *, dbname: str | None = None) -> psycopg.Connection:
    if dbname:
        return psycopg.connect(conninfo, autocommit=True, connect_timeout=5, dbname=dbname)
    return psycopg.connect(conninfo, autocommit=True, connect_timeout=5)


def provision(connection: psycopg.Connection, specs: Iterable[SchemaSpec]) -> list[str]:
    """Bring schemas and roles to the wanted state; return what had to be created or changed."""
    done: list[str] = []
    with connection.cursor() as cursor:
        # Nothing of ours lives in public: take it from PUBLIC so a role sees only its own schema.
        cursor.execute("SELECT has_schema_privilege('public', 'public', 'USAGE')")
        if _scalar(cursor):
            cursor.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
            done.append("revoked PUBLIC's access to schema public")
        for spec in specs:
            done.extend(_provision_one(cursor, spec))
    return done


def _provision_one(cursor: psycopg.Cursor, spec: SchemaSpec) -> list[str]:
    done = []
    role, schema = sql.Identifier(spec.role), sql.Identifier(spec.schema)
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [spec.role])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        done.append(f"created role {spec.role}")
    if spec.password:
        cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(spec.password)))
    cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [spec.schema])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
        done.append(f"created schema {spec.schema}")
    cursor.execute(
        "SELECT has_schema_privilege(%s, %s, 'USAGE') AND has_schema_privilege(%s, %s, 'CREATE')",
        [spec.role, spec.schema, spec.role, spec.schema],
    )
    if not _scalar(cursor):
        cursor.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(schema, role))
        cursor.execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT ALL ON TABLES TO {}").format(schema, role))
        cursor.execute(
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT ALL ON SEQUENCES TO {}").format(schema, role)
        )
        cursor.execute(sql.SQL("ALTER ROLE {} SET search_path = {}").format(role, schema))
        done.append(f"granted {spec.role} the use of schema {spec.schema}")
    # Tables created before the default privileges existed (or by another user) are granted too.
    cursor.execute(
        """
        SELECT count(*) FROM pg_tables t
        WHERE t.schemaname = %s AND NOT has_table_privilege(%s, format('%%I.%%I', t.schemaname, t.tablename), 'SELECT')
        """,
        [spec.schema, spec.role],
    )
    missing = _scalar(cursor)
    if missing:
        cursor.execute(sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA {} TO {}").format(schema, role))
        cursor.execute(sql.SQL("GRANT ALL ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, role))
        done.append(f"granted {spec.role} {missing} existing table(s) in {spec.schema}")
    return done


def drop_roles(connection: psycopg.Connection, roles: Iterable[str]) -> None:
    """Remove roles (tests only: their databases must be dropped first)."""
    with connection.cursor() as cursor:
        for role in roles:
            cursor.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
