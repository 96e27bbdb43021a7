"""Authenticate a request from its bearer token's claims alone: no context reads the user table."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from rest_framework.authentication import BaseAuthentication

from nlc.api import tokens
from nlc.api.principal import ADMIN, COACH, SERVICE, Principal
from nlc.api.tokens import InvalidToken

KEYWORD = "Bearer"


class PrincipalAuthentication(BaseAuthentication):
    """``Authorization: Bearer <jwt>`` -> a :class:`Principal` (request.user) and the claims (request.auth).

    Access tokens become a person's principal. Service tokens become a service principal when their
    ``aud`` is the context that serves the URL. A refresh token, or any token that fails
    verification, is a 401 with a code saying why. No header at all is left to the permissions.
    """

    def authenticate(self, request):
        raw = self.raw_token(request)
        if raw is None:
            return None
        claims = tokens.decode(raw)
        return self.principal_for(request, claims), claims

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'

    @staticmethod
    def raw_token(request) -> str | None:
        parts = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not parts or parts[0].lower() != KEYWORD.lower():
            return None
        if len(parts) != 2:
            raise InvalidToken("token_malformed", f"The Authorization header must be '{KEYWORD} <token>'.")
        return parts[1]

    def principal_for(self, request, claims: dict[str, Any]) -> Any:
        token_type = claims["token_type"]
        if token_type == tokens.ACCESS:
            return principal_from_access_claims(claims)
        if token_type == tokens.SERVICE:
            tokens.verify_service_claims(claims, audience=serving_context(request))
            return Principal(id=None, role=SERVICE, service=str(claims["sub"]), token_id=str(claims["jti"]))
        if token_type == tokens.REFRESH:
            raise InvalidToken("token_type_invalid", "A refresh token cannot be used as an access token.")
        raise InvalidToken("token_type_invalid", "This kind of token cannot be used as an access token.")


def principal_from_access_claims(claims: dict[str, Any]) -> Principal:
    if "aud" in claims:
        raise InvalidToken("token_claims_invalid", "An access token has no audience.")
    try:
        user_id = UUID(str(claims["sub"]))
        coach_id = UUID(str(claims["coach_id"])) if claims.get("coach_id") else None
        role = claims["role"]
    except (KeyError, ValueError) as error:
        raise InvalidToken("token_claims_invalid", "The token's claims are invalid.") from error
    if (role, coach_id is None) not in {(ADMIN, True), (COACH, False)}:
        raise InvalidToken("token_claims_invalid", "The token's role and coach id do not agree.")
    return Principal(
        id=user_id, role=role, coach_id=coach_id, email=str(claims.get("email", "")), token_id=str(claims["jti"])
    )


def serving_context(request) -> str | None:
    """The context whose URLs answer this request (the namespace its urls.py declares), if any."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    return next((name for name in match.namespaces if name in settings.NLC_CONTEXTS), None)
