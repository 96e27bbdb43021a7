"""Who is calling, as the token says: built from the claims alone, with no query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

ADMIN = "admin"
COACH = "coach"
SERVICE = "service"


@dataclass(frozen=True)
class Principal:
    """The caller of a request outside the auth context.

    ``role`` is ``admin`` or ``coach`` for people and ``service`` for another context calling with a
    service token (then ``service`` names the calling context and ``id`` is None). ``coach_id`` is
    the coach whose data a coach may see; admins have none and see everything.
    """

    id: UUID | None
    role: str
    coach_id: UUID | None = None
    email: str = ""
    service: str | None = None
    token_id: str = ""

    # What Django and DRF ask of request.user.
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_coach(self) -> bool:
        return self.role == COACH

    @property
    def is_service(self) -> bool:
        return self.role == SERVICE

    def __str__(self) -> str:
        return f"service:{self.service}" if self.is_service else f"{self.role}:{self.id}"
