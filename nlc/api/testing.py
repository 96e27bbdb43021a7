"""Test helpers for any context: access tokens for a principal, minted without the auth context.

Every context but auth sees callers only through their token, so its tests need nothing more.
"""

from __future__ import annotations

import time
import uuid
from uuid import UUID

import jwt
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from nlc.api.principal import ADMIN, COACH


def access_token_for(
    *,
    role: str = COACH,
    user_id: UUID | str | None = None,
    coach_id: UUID | str | None = None,
    email: str = "",
    lifetime_seconds: int | None = None,
    **extra_claims,
) -> str:
    """A signed access token with the claims the auth context puts in one.

    A coach's ``coach_id`` defaults to its user id (as in the auth context); an admin has none.
    """
    user_id = str(user_id or uuid.uuid4())
    if role == COACH and coach_id is None:
        coach_id = user_id
    if role == ADMIN:
        coach_id = None
    lifetime = lifetime_seconds or int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds())
    now = int(time.time())
    claims = {
        "token_type": "access",
        "sub": user_id,
        "role": role,
        "coach_id": str(coach_id) if coach_id else None,
        "email": email,
        "gen": 1,
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        **extra_claims,
    }
    if jwt_settings.ISSUER:
        claims.setdefault("iss", jwt_settings.ISSUER)
    return jwt.encode(claims, jwt_settings.SIGNING_KEY, algorithm=jwt_settings.ALGORITHM)
