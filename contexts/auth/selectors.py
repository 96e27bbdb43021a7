"""Reads of the auth context, scoped to the caller.

In the auth context the caller is the stored :class:`User` (``UserAuthentication``), or a service's
:class:`Principal`; both say their ``role`` and ``coach_id``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from contexts.auth.models import AuditLogEntry, User
from nlc.api.principal import ADMIN, Principal
from nlc.api.scoping import scope_to_principal
from nlc.db.filters import filter_by, search_by

Caller = User | Principal


def user_list(*, principal: Caller, filters: dict[str, Any] | None = None) -> QuerySet[User]:
    """Identities the principal may see (a coach: itself; an admin: all), newest first."""
    filters = filters or {}
    users = scope_to_principal(User.objects.all(), principal, field="id").order_by("-created_at")
    users = filter_by(users, filters, role="role", status="status")
    return search_by(users, filters.get("search"), "email", "first_name", "last_name")


def user_get(*, principal: Caller, user_id: UUID) -> User | None:
    return scope_to_principal(User.objects.all(), principal, field="id").filter(pk=user_id).first()


def audit_entry_list(*, principal: Caller, filters: dict[str, Any] | None = None) -> QuerySet[AuditLogEntry]:
    """The audit log, newest first, filtered by ``kind``, ``user_id``, ``email`` and a ``since`` ..
    ``until`` window. Admins only: the view checks, and anyone else reads nothing."""
    filters = filters or {}
    entries = AuditLogEntry.objects.order_by("-created_at", "-id")
    if principal.role != ADMIN:
        return entries.none()
    email = (filters.get("email") or "").strip()
    return filter_by(
        entries,
        {**filters, "email": email},
        kind="kind",
        user_id="user_id",
        email="email__iexact",
        since="created_at__gte",
        until="created_at__lt",
    )
