"""Copies of other contexts' data that media keeps from their events."""

from __future__ import annotations

from uuid import UUID

from contexts.media.models import Coach
from nlc.db.transactions import atomic


def coach_copy_save(*, coach_id: UUID, email: str) -> Coach:
    """Keep the local copy of a coach announced by auth (auth.user.created)."""
    with atomic("media"):
        coach, _ = Coach.objects.update_or_create(id=coach_id, defaults={"email": email.strip().lower()})
        return coach
