"""The database layout matches production: one schema and one role per context, nothing shared."""

from __future__ import annotations

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections, router

from nlc.contexts import FRAMEWORK_APP_LABELS, PER_CONTEXT_APP_LABELS
from nlc.db.provisioning import admin_connect, provision
from nlc.db.specs import schema_specs

pytestmark = pytest.mark.django_db(databases="__all__")

CONTEXTS = list(settings.NLC_CONTEXTS.values())


def _schema_of_alias(alias: str) -> str:
    return next(context.schema for context in CONTEXTS if context.alias == alias)


def _tables_by_schema() -> dict[str, set[str]]:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        found: dict[str, set[str]] = {}
        for schema, table in cursor.fetchall():
            found.setdefault(table, set()).add(schema)
        return found


def _catalog() -> list[tuple]:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name, column_name, data_type, is_nullable "
            "FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
            "ORDER BY 1, 2, 3"
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname NOT IN ('pg_catalog') ORDER BY 1, 2, 3"
        )
        return columns + cursor.fetchall()


def test_every_model_lives_in_its_context_schema_only():
    # given every concrete model and the schemas PostgreSQL reports for its table
    tables = _tables_by_schema()
    checked = 0
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in PER_CONTEXT_APP_LABELS or not model._meta.managed:
            continue
        # when the router places it
        alias = router.db_for_write(model)
        # then its table exists in that alias's schema and nowhere else
        expected = "auth" if model._meta.app_label in FRAMEWORK_APP_LABELS else _schema_of_alias(alias)
        assert tables.get(model._meta.db_table) == {expected}, model._meta.label
        assert router.allow_migrate(alias, model._meta.app_label, model_name=model._meta.model_name)
        checked += 1
    assert checked >= 9  # the user model, its relations and Django's framework tables at least


def test_each_context_model_is_routed_to_its_alias_and_nowhere_else():
    for model in apps.get_models():
        label = model._meta.app_label
        if label in PER_CONTEXT_APP_LABELS or label in FRAMEWORK_APP_LABELS:
            continue
        context = next(c for c in CONTEXTS if c.app_label == label)
        assert router.db_for_read(model) == context.alias
        assert router.db_for_write(model) == context.alias
        for other in CONTEXTS:
            assert router.allow_migrate(other.alias, label, model_name=model._meta.model_name) is (other is context)


def test_relations_across_aliases_are_refused():
    # given two objects placed on different aliases
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    here, there = user_model(email="a@example.com"), user_model(email="b@example.com")
    here._state.db, there._state.db = "default", "billing"
    # then the router refuses to relate them, and allows it on one alias
    assert router.allow_relation(here, there) is False
    there._state.db = "default"
    assert router.allow_relation(here, there) is True


def _connect_as(role: str) -> psycopg.Connection:
    dbname = connections["default"].settings_dict["NAME"]
    info = psycopg.conninfo.conninfo_to_dict(settings.DATABASE_URL)
    info.update(dbname=dbname, user=role, password=None)
    info.pop("password")
    return psycopg.connect(**info, autocommit=True)


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda c: c.name)
def test_a_context_role_works_in_its_schema_and_nowhere_else(context):
    role = f"{settings.NLC_DB_ROLE_PREFIX}{context.name}"
    others = [c for c in CONTEXTS if c is not context]
    with _connect_as(role) as connection:
        # its own schema works: read, create, write, drop
        rows = connection.execute(f"SELECT count(*) FROM {context.schema}.django_migrations").fetchone()[0]
        assert rows > 0
        connection.execute(f"CREATE TABLE {context.schema}.role_probe (id int)")
        connection.execute(f"INSERT INTO {context.schema}.role_probe VALUES (1)")
        assert connection.execute("SELECT count(*) FROM role_probe").fetchone()[0] == 1  # search_path
        connection.execute(f"DROP TABLE {context.schema}.role_probe")
        # and every other context's schema refuses it
        for other in others:
            for statement in (
                f"SELECT * FROM {other.schema}.django_migrations",
                f"INSERT INTO {other.schema}.django_migrations (app, name, applied) VALUES ('x', 'y', now())",
                f"CREATE TABLE {other.schema}.intruder (id int)",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    connection.execute(statement)
        # nor can it put anything in public
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("CREATE TABLE public.intruder (id int)")
    # and nothing it tried elsewhere was written
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'intruder'")
        assert cursor.fetchone()[0] == 0


def test_migrating_twice_changes_nothing():
    # given the migrated layout
    before = _catalog()
    # when every alias is migrated again
    for alias in connections:
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    # then the catalog is the same, and no model change lacks a migration
    assert _catalog() == before
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_provisioning_twice_changes_nothing():
    # given a provisioned database
    def roles_and_grants():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT n.nspname, n.nspacl::text FROM pg_namespace n ORDER BY 1")
            schemas = cursor.fetchall()
            cursor.execute("SELECT rolname FROM pg_roles ORDER BY 1")
            return schemas, cursor.fetchall()

    before = roles_and_grants()
    dbname = connections["default"].settings_dict["NAME"]
    # when it is provisioned again
    with admin_connect(settings.DATABASE_URL, dbname=dbname) as admin:
        done = provision(admin, schema_specs())
    # then there was nothing to do and nothing changed
    assert done == []
    assert roles_and_grants() == before
