"""Authentication inside the auth context, which owns the user table and so can do more than the
claims-only principal: the request's user is the stored identity, and a token from a signed-out
session (older generation) or of a disabled account is refused at once."""

from __future__ import annotations

from contexts.auth.models import User
from contexts.auth.tokens import GENERATION_CLAIM
from nlc.api.authentication import PrincipalAuthentication
from nlc.api.principal import SERVICE
from nlc.api.tokens import InvalidToken


class UserAuthentication(PrincipalAuthentication):
    def principal_for(self, request, claims):
        principal = super().principal_for(request, claims)
        if principal.role == SERVICE:
            return principal
        user = User.objects.filter(pk=principal.id).first()
        if user is None or claims.get(GENERATION_CLAIM) != user.token_generation:
            raise InvalidToken("token_revoked", "This session was signed out: log in again.")
        if not user.is_active:
            raise InvalidToken("account_disabled", "This account is disabled.")
        return user
