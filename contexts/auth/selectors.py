"""Reads of the auth context, scoped to the caller.

In the auth context the caller is the stored :class:`User` (``UserAuthentication``), or a service's
:class:`Principal`; both say their ``role`` and ``coach_id``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from contexts.auth.models import AuditLogEntry, User
from nlc.api.principal import ADMIN, Principal
from nlc.api.scoping import scope_to_principal

Caller = User | Principal


def user_list(*, principal: Caller, filters: dict[str, Any] | None = None) -> QuerySet[User]:
    """Identities the principal may see (a coach: itself; an admin: all), newest first."""
    filters = filters or {}
    users = scope_to_principal(User.objects.all(), principal, field="id").order_by("-created_at")
    if filters.get("role"):
        users = users.filter(role=filters["role"])
    if filters.get("status"):
        users = users.filter(status=filters["status"])
    if filters.get("search"):
        term = filters["search"]
        users = users.filter(Q(email__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term))
    return users


def user_get(*, principal: Caller, user_id: UUID) -> User | None:
    return scope_to_principal(User.objects.all(), principal, field="id").filter(pk=user_id).first()


def audit_entry_list(*, principal: Caller, filters: dict[str, Any] | None = None) -> QuerySet[AuditLogEntry]:
    """The audit log, newest first, filtered by ``kind``, ``user_id``, ``email`` and a ``since`` ..
    ``until`` window. Admins only: the view checks, and anyone else reads nothing."""
    filters = filters or {}
    entries = AuditLogEntry.objects.order_by("-created_at", "-id")
    if principal.role != ADMIN:
        return entries.none()
    if filters.get("kind"):
        entries = entries.filter(kind=filters["kind"])
    if filters.get("user_id"):
        entries = entries.filter(user_id=filters["user_id"])
    if filters.get("email"):
        entries = entries.filter(email__iexact=filters["email"].strip())
    if filters.get("since"):
        entries = entries.filter(created_at__gte=filters["since"])
    if filters.get("until"):
        entries = entries.filter(created_at__lt=filters["until"])
    return entries
