"""Schema and role specs of the enabled contexts, read from settings."""

from __future__ import annotations

import environ
from django.conf import settings

from nlc.db.provisioning import SchemaSpec


def schema_specs() -> list[SchemaSpec]:
    specs = []
    for context in settings.NLC_CONTEXTS.values():
        role = f"{settings.NLC_DB_ROLE_PREFIX}{context.name}"
        password = None
        # A per-context URL that connects as the context's role carries the role's password.
        url = environ.Env().str(f"DATABASE_URL_{context.name.upper()}", default="")
        if url:
            config = environ.Env.db_url_config(url)
            if config.get("USER") == role:
                password = config.get("PASSWORD") or None
        specs.append(SchemaSpec(schema=context.schema, role=role, password=password))
    return specs
