"""Reads of the {{name}} context, scoped to the caller: a coach sees its own rows, an admin all.

``<entity>_get`` answers None for a row the caller may not see, as for one that does not exist; the
view turns None into the 404 (``get_or_404``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from contexts.{{name}}.models import {{Entity}}
from nlc.api.principal import Principal
from nlc.api.scoping import scope_to_principal


def {{entity}}_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[{{Entity}}]:
    """Newest first; an admin may narrow the list to one coach (``coach_id``)."""
    filters = filters or {}
    rows = scope_to_principal({{Entity}}.objects.all(), principal)
    if filters.get("coach_id"):
        rows = rows.filter(coach_id=filters["coach_id"])
    return rows.order_by("-created_at", "-id")


def {{entity}}_get(*, principal: Principal, {{entity}}_id: UUID) -> {{Entity}} | None:
    return {{entity}}_list(principal=principal).filter(pk={{entity}}_id).first()
