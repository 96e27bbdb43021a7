"""Plain result types of the notifications context (frozen dataclasses, no ORM, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class NotificationDraft:
    """What one notification says, before it has a recipient: ``key`` names the fact it reports,
    so the same fact delivered again makes no second notification."""

    kind: str
    title: str
    body: str
    link: str
    key: str
    coach_id: UUID | None


@dataclass(frozen=True)
class StreamState:
    """A user's unread count and the seq of its newest notification: what the live stream watches."""

    unread: int
    last_seq: int


@dataclass(frozen=True)
class StreamTicket:
    ticket: str
    expires_in_seconds: int
