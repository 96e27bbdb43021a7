"""Issue the token pair of a session (djangorestframework-simplejwt, HS256).

Both tokens carry ``sub`` (user id), ``role``, ``coach_id`` (null for admins), ``email`` and
``gen``, the user's token generation: raising it revokes every token issued before. Each refresh
token is recorded as an OutstandingToken so that rotation and log-out can blacklist it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

GENERATION_CLAIM = "gen"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    access_expires_at: datetime
    refresh_expires_at: datetime


def token_pair_issue(*, user) -> TokenPair:
    refresh = RefreshToken()
    refresh["sub"] = str(user.id)
    refresh["role"] = user.role
    refresh["coach_id"] = str(user.coach_id) if user.coach_id else None
    refresh["email"] = user.email
    refresh[GENERATION_CLAIM] = user.token_generation
    refresh_expires_at = datetime_from_epoch(refresh["exp"])
    encoded = str(refresh)
    OutstandingToken.objects.create(
        user=user, jti=refresh["jti"], token=encoded, created_at=refresh.current_time, expires_at=refresh_expires_at
    )
    access = refresh.access_token
    return TokenPair(
        access=str(access),
        refresh=encoded,
        access_expires_at=datetime_from_epoch(access["exp"]),
        refresh_expires_at=refresh_expires_at,
    )
