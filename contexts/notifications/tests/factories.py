"""Notifications as the service writes them (the counter row moves with each), for tests that need
many of them (lists, query counts)."""

from __future__ import annotations

import itertools
import uuid
from uuid import UUID

from contexts.notifications.data import NotificationDraft
from contexts.notifications.models import Notification
from contexts.notifications.services import notification_deliver

_numbers = itertools.count(1)


def draft(*, kind: str = "lead_created", coach_id: UUID | None = None, title: str | None = None) -> NotificationDraft:
    number = next(_numbers)
    return NotificationDraft(
        kind=kind,
        title=title or f"Notification {number}",
        body=f"Body {number}",
        link=f"/leads/{uuid.uuid4()}",
        key=f"test:{uuid.uuid4()}",
        coach_id=coach_id,
    )


def notification_for(user_id: UUID, **overrides) -> Notification:
    (row,) = notification_deliver(recipients=[user_id], draft=draft(**overrides), producer="leads")
    return row


def notifications_for(user_id: UUID, count: int, **overrides) -> list[Notification]:
    return [notification_for(user_id, **overrides) for _ in range(count)]
