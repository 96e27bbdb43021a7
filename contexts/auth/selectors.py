"""Reads of the auth context, scoped to the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from contexts.auth.models import AuditLogEntry, User
from nlc.api.scoping import scope_to_principal


def user_list(*, principal, filters: dict[str, Any] | None = None) -> QuerySet[User]:
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


def user_get(*, principal, user_id: UUID) -> User | None:
    return scope_to_principal(User.objects.all(), principal, field="id").filter(pk=user_id).first()


def audit_entry_list(
    *,
    kind: str | None = None,
    user_id: UUID | None = None,
    email: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditLogEntry]:
    """The audit log, newest first (admins only: the view checks)."""
    entries = AuditLogEntry.objects.order_by("-created_at", "-id")
    if kind:
        entries = entries.filter(kind=kind)
    if user_id:
        entries = entries.filter(user_id=user_id)
    if email:
        entries = entries.filter(email__iexact=email.strip())
    if since:
        entries = entries.filter(created_at__gte=since)
    if until:
        entries = entries.filter(created_at__lt=until)
    return entries
