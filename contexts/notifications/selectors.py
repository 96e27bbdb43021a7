"""Reads of the notifications context, scoped to the caller: every user, coach or admin, reads only
the notifications addressed to itself (an admin's inbox holds platform notices, not coaches').

``notification_get`` answers None for a notification that is someone else's, as for one that does
not exist; the view turns None into the 404 (``get_or_404``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from contexts.notifications.data import StreamState
from contexts.notifications.models import Notification, Preference, UnreadCounter
from contexts.notifications.rules import kinds_for
from nlc.api.principal import Principal


def _own(principal: Principal) -> QuerySet[Notification]:
    if principal.id is None or not (principal.is_admin or principal.is_coach):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_user_id=principal.id)


def notification_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Notification]:
    """The caller's notifications, newest first; ``unread`` (true: only unread, false: only read)
    and ``kind`` narrow it."""
    filters = filters or {}
    rows = _own(principal)
    if filters.get("unread") is not None:
        rows = rows.filter(read_at__isnull=filters["unread"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    return rows.order_by("-seq")


def notification_get(*, principal: Principal, notification_id: UUID) -> Notification | None:
    return _own(principal).filter(pk=notification_id).first()


def unread_count(*, principal: Principal) -> int:
    """One primary-key read of the caller's counter (0 before its first notification)."""
    return stream_state(user_id=principal.id).unread if principal.id else 0


def stream_state(*, user_id: UUID) -> StreamState:
    row = UnreadCounter.objects.filter(user_id=user_id).values_list("unread", "last_seq").first()
    return StreamState(unread=row[0], last_seq=row[1]) if row else StreamState(unread=0, last_seq=0)


def notifications_after(*, user_id: UUID, seq: int, limit: int) -> list[Notification]:
    """The user's notifications past ``seq``, oldest first (what a stream sends next)."""
    return list(Notification.objects.filter(recipient_user_id=user_id, seq__gt=seq).order_by("seq")[:limit])


def preference_list(*, principal: Principal) -> list[dict[str, Any]]:
    """Every kind the caller's role receives, and any other kind it chose for, with in-app on/off."""
    stored = dict(Preference.objects.filter(user_id=principal.id).values_list("kind", "in_app")) if principal.id else {}
    catalog = kinds_for(principal.role)
    rows = [{"kind": kind.name, "label": kind.label, "in_app": stored.get(kind.name, True)} for kind in catalog]
    known = {kind.name for kind in catalog}
    rows.extend({"kind": kind, "label": "", "in_app": stored[kind]} for kind in sorted(stored) if kind not in known)
    return rows
