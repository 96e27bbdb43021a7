"""Tenant scoping: a coach sees only rows of its own coach id; an admin sees every row."""

from __future__ import annotations

from django.db.models import QuerySet

from nlc.api.principal import ADMIN, COACH


def scope_to_principal(queryset: QuerySet, principal, field: str = "coach_id") -> QuerySet:
    """Limit ``queryset`` to what ``principal`` may see.

    Admins see everything; a coach sees the rows whose ``field`` is its coach id; anyone else (an
    anonymous caller, a service, a malformed principal) sees nothing, so a mistake fails closed.
    """
    role = getattr(principal, "role", None)
    if role == ADMIN:
        return queryset
    coach_id = getattr(principal, "coach_id", None)
    if role == COACH and coach_id is not None:
        return queryset.filter(**{field: coach_id})
    return queryset.none()
