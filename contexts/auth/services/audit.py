"""The audit log: a security event recorded in the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from contexts.auth.models import AuditLogEntry, User
from nlc.api.http import RequestOrigin

# The origin of a change that no request caused (a script, the shell).
NO_ORIGIN = RequestOrigin()


def audit_entry_create(
    *,
    kind: str,
    origin: RequestOrigin,
    user: User | None = None,
    email: str = "",
    actor: User | None = None,
    metadata: dict[str, Any] | None = None,
) -> AuditLogEntry:
    """Record a security event; call it inside the transaction of the change it records."""
    return AuditLogEntry.objects.create(
        kind=kind,
        user_id=user.id if user else None,
        actor_id=actor.id if actor else None,
        email=user.email if user and not email else email,
        ip=origin.ip,
        user_agent=origin.user_agent,
        metadata=metadata or {},
    )
