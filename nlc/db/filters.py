"""The one way a selector narrows a list by the filters a caller gave::

    rows = filter_by(rows, filters, status="status", since="occurred_at__gte", until="occurred_at__lt")
    rows = search_by(rows, filters.get("search"), "email", "first_name", "last_name")

A filter that was not given (absent, None or "") narrows nothing; ``False`` and ``0`` do.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


def given(value: Any) -> bool:
    return value is not None and value != ""


def filter_by(queryset: QuerySet[M], filters: Mapping[str, Any] | None, /, **lookups: str) -> QuerySet[M]:
    """``queryset`` narrowed by ``<lookup>=filters[<name>]`` for each ``<name>=<lookup>`` given."""
    filters = filters or {}
    for name, lookup in lookups.items():
        value = filters.get(name)
        if given(value):
            queryset = queryset.filter(**{lookup: value})
    return queryset


def search_by(queryset: QuerySet[M], term: str | None, *fields: str) -> QuerySet[M]:
    """``queryset`` narrowed to rows where any of ``fields`` contains ``term`` (case-insensitive)."""
    if not given(term) or not fields:
        return queryset
    return queryset.filter(reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields)))
