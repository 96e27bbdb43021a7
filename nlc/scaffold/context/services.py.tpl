"""Writes of the {{name}} context: ``<entity>_<action>(*, ...)`` with keyword-only typed arguments.

A service owns its transaction on the context's alias (``atomic("{{name}}")``), validates, saves, and
publishes its events (events.py) inside that same transaction, so all of it commits or none of it.
Provider calls go through ``with provider_call(): ...`` (nlc.errors).
"""

from __future__ import annotations

from uuid import UUID

from contexts.{{name}}.models import {{Entity}}
from contexts.{{name}}.rules import {{entity}}_name_clean
from nlc.db.transactions import atomic


def {{entity}}_create(*, coach_id: UUID, name: str) -> {{Entity}}:
    with atomic("{{name}}"):
        return {{Entity}}.objects.create(coach_id=coach_id, name={{entity}}_name_clean(name))
