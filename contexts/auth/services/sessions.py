"""Sessions: log-in with a password (audited, counted towards a lock-out), refresh-token rotation,
log-out of one session or of all of them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from contexts.auth.errors import (
    AccountDisabledError,
    AccountLockedError,
    InvalidCredentialsError,
    NotARefreshTokenError,
    RefreshTokenRevokedError,
    SessionRevokedError,
)
from contexts.auth.models import AuditKind, User
from contexts.auth.services.accounts import email_normalize
from contexts.auth.services.audit import audit_entry_create
from contexts.auth.tokens import GENERATION_CLAIM, TokenPair, token_pair_issue
from nlc.api import tokens as jwt_tokens
from nlc.api.http import RequestOrigin
from nlc.db.transactions import atomic
from nlc.errors import DomainError


def token_revoke_all(*, user: User) -> None:
    """Revoke every token of ``user``: the generation moves on, and open refresh tokens are blacklisted.
    Call it inside the transaction of the change that ends the sessions."""
    User.objects.filter(pk=user.pk).update(token_generation=user.token_generation + 1)
    user.token_generation += 1
    open_tokens = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in open_tokens], ignore_conflicts=True
    )


def session_create_with_password(*, email: str, password: str, origin: RequestOrigin) -> tuple[User, TokenPair]:
    """Log in. Failed attempts are audited and count towards a lock-out of the account.

    A failure commits its trace (the audit row, the count) first and is raised after the transaction.
    """
    email = email_normalize(email)
    now = timezone.now()
    failure: DomainError
    with atomic("auth"):
        user = User.objects.select_for_update().filter(email=email).first()
        if user is None:
            # Hash anyway, so an unknown e-mail takes as long to refuse as a wrong password.
            User().set_password(password)
            audit_entry_create(
                kind=AuditKind.LOGIN_FAILED, email=email, origin=origin, metadata={"reason": "unknown_email"}
            )
            failure = InvalidCredentialsError()
        elif user.locked_until is not None and user.is_locked(at=now):
            audit_entry_create(
                kind=AuditKind.LOGIN_FAILED, user=user, origin=origin, metadata={"reason": "account_locked"}
            )
            failure = AccountLockedError(locked_until=user.locked_until)
        elif not user.check_password(password):
            failure = _login_failure_record(user=user, now=now, origin=origin)
        elif not user.is_active:
            audit_entry_create(
                kind=AuditKind.LOGIN_FAILED, user=user, origin=origin, metadata={"reason": "account_disabled"}
            )
            failure = AccountDisabledError()
        else:
            user.failed_login_count, user.last_failed_login_at, user.locked_until = 0, None, None
            user.last_login = now
            user.save(update_fields=["failed_login_count", "last_failed_login_at", "locked_until", "last_login"])
            audit_entry_create(
                kind=AuditKind.LOGIN_SUCCEEDED, user=user, origin=origin, metadata={"method": "password"}
            )
            return user, token_pair_issue(user=user)
    raise failure


def _login_failure_record(*, user: User, now: datetime, origin: RequestOrigin) -> DomainError:
    window = timedelta(minutes=settings.AUTH_LOCKOUT_MINUTES)
    if user.last_failed_login_at is None or user.last_failed_login_at <= now - window:
        user.failed_login_count = 0  # earlier failures are forgotten after a quiet period
    user.failed_login_count += 1
    user.last_failed_login_at = now
    audit_entry_create(
        kind=AuditKind.LOGIN_FAILED,
        user=user,
        origin=origin,
        metadata={"reason": "wrong_password", "failedAttempts": user.failed_login_count},
    )
    failure: DomainError = InvalidCredentialsError()
    if user.failed_login_count >= settings.AUTH_LOCKOUT_MAX_FAILED_LOGINS:
        locked_until = now + window
        user.locked_until = locked_until
        audit_entry_create(
            kind=AuditKind.ACCOUNT_LOCKED,
            user=user,
            origin=origin,
            metadata={"failedAttempts": user.failed_login_count, "lockedUntil": locked_until.isoformat()},
        )
        user.failed_login_count = 0
        failure = AccountLockedError(locked_until=locked_until)
    user.save(update_fields=["failed_login_count", "last_failed_login_at", "locked_until"])
    return failure


def _refresh_claims(raw: str) -> dict[str, Any]:
    claims = jwt_tokens.decode(raw)
    if claims["token_type"] != jwt_tokens.REFRESH:
        raise NotARefreshTokenError()
    return claims


def session_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate: the refresh token is blacklisted and a new pair issued, with the user's current role."""
    claims = _refresh_claims(refresh_token)
    with atomic("auth"):
        outstanding = OutstandingToken.objects.select_for_update().filter(jti=claims["jti"]).first()
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            raise RefreshTokenRevokedError()
        user = User.objects.filter(pk=claims["sub"]).first()
        if user is None or claims.get(GENERATION_CLAIM) != user.token_generation:
            raise SessionRevokedError()
        if not user.is_active:
            raise AccountDisabledError()
        BlacklistedToken.objects.create(token=outstanding)
        return token_pair_issue(user=user)


def session_revoke(*, refresh_token: str, origin: RequestOrigin) -> None:
    """Log out one session: its refresh token is blacklisted. Logging out twice changes nothing."""
    claims = _refresh_claims(refresh_token)
    with atomic("auth"):
        outstanding = OutstandingToken.objects.select_for_update().filter(jti=claims["jti"]).first()
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            return
        BlacklistedToken.objects.create(token=outstanding)
        user = User.objects.filter(pk=claims["sub"]).first()
        audit_entry_create(kind=AuditKind.LOGOUT, user=user, email=claims.get("email", ""), origin=origin)


def session_revoke_all(*, user: User, origin: RequestOrigin) -> None:
    """Log out everywhere: every refresh token is revoked, and so is every access token at the
    auth context at once (elsewhere they expire within ACCESS_TOKEN_LIFETIME)."""
    with atomic("auth"):
        user = User.objects.select_for_update().get(pk=user.pk)
        token_revoke_all(user=user)
        audit_entry_create(kind=AuditKind.LOGOUT_ALL, user=user, origin=origin)
