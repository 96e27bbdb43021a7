"""Verify the platform's JWTs and mint service tokens.

The auth context issues access and refresh tokens (HS256, key ``SIMPLE_JWT["SIGNING_KEY"]``); any
context verifies them here with the same settings. Every failure is an :class:`InvalidToken` with a
code that says what is wrong, which the API renders as a 401, never a 500.

Service tokens let a context that was lifted out call another context's HTTP API: they live at most
:data:`SERVICE_TOKEN_MAX_SECONDS`, name the target context in ``aud``, and are refused anywhere else.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings as jwt_settings

ACCESS = "access"
REFRESH = "refresh"
SERVICE = "service"
SERVICE_TOKEN_MAX_SECONDS = 60
_REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "token_type"]


class InvalidToken(AuthenticationFailed):
    """A token that cannot be trusted; ``code`` says why (token_expired, token_revoked, ...)."""

    def __init__(self, code: str, message: str):
        super().__init__(detail=message, code=code)


def decode(raw: str) -> dict[str, Any]:
    """Verify a token's algorithm, signature, issuer and lifetime; return its claims.

    The ``aud`` claim is not checked here: the caller knows which audience it expects.
    """
    algorithm = jwt_settings.ALGORITHM
    try:
        header = jwt.get_unverified_header(raw)
    except jwt.InvalidTokenError as error:
        raise InvalidToken("token_malformed", "The token is not a well-formed JWT.") from error
    if header.get("alg") != algorithm:
        # Refuses "none" and every other algorithm before any key is used with it.
        raise InvalidToken("token_algorithm_not_allowed", f"The token must be signed with {algorithm}.")
    try:
        return jwt.decode(
            raw,
            key=jwt_settings.SIGNING_KEY,
            algorithms=[algorithm],
            issuer=jwt_settings.ISSUER,
            leeway=jwt_settings.LEEWAY or 0,
            options={"require": _REQUIRED_CLAIMS, "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as error:
        raise InvalidToken("token_expired", "The token has expired.") from error
    except jwt.InvalidSignatureError as error:
        raise InvalidToken("token_signature_invalid", "The token's signature does not match.") from error
    except jwt.ImmatureSignatureError as error:
        raise InvalidToken("token_not_yet_valid", "The token is not valid yet.") from error
    except (jwt.MissingRequiredClaimError, jwt.InvalidIssuerError, jwt.InvalidIssuedAtError) as error:
        raise InvalidToken("token_claims_invalid", f"The token's claims are invalid: {error}.") from error
    except jwt.InvalidTokenError as error:
        raise InvalidToken("token_malformed", "The token is not a well-formed JWT.") from error


def verify_service_claims(claims: dict[str, Any], *, audience: str | None) -> None:
    """Check a service token's audience and lifetime (its signature was checked by :func:`decode`)."""
    if audience is None or claims.get("aud") != audience:
        raise InvalidToken("token_audience_invalid", "This service token is not meant for this context.")
    if not isinstance(claims["iat"], int | float) or claims["exp"] - claims["iat"] > SERVICE_TOKEN_MAX_SECONDS:
        raise InvalidToken(
            "token_claims_invalid", f"A service token may live at most {SERVICE_TOKEN_MAX_SECONDS} seconds."
        )


def service_token_issue(*, caller: str, audience: str, lifetime_seconds: int = 30) -> str:
    """A token for context ``caller`` to call context ``audience``'s API, valid ``lifetime_seconds``."""
    if not 0 < lifetime_seconds <= SERVICE_TOKEN_MAX_SECONDS:
        raise ValueError(f"A service token lives 1 to {SERVICE_TOKEN_MAX_SECONDS} seconds")
    issued_at = int(time.time())
    claims = {
        "token_type": SERVICE,
        "sub": caller,
        "aud": audience,
        "iat": issued_at,
        "exp": issued_at + lifetime_seconds,
        "jti": uuid.uuid4().hex,
    }
    if jwt_settings.ISSUER:
        claims["iss"] = jwt_settings.ISSUER
    return jwt.encode(claims, jwt_settings.SIGNING_KEY, algorithm=jwt_settings.ALGORITHM)
