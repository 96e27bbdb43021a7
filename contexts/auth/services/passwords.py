"""Passwords: set by an admin, changed by their owner, reset with a single-use e-mailed link. Each
revokes what the old password gave: sessions, open reset links, a lock-out."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from contexts.auth import events
from contexts.auth.errors import PasswordIncorrectError, ResetTokenExpiredError, ResetTokenInvalidError
from contexts.auth.models import AuditKind, PasswordResetToken, User
from contexts.auth.services.accounts import email_normalize, password_validate
from contexts.auth.services.audit import NO_ORIGIN, audit_entry_create
from contexts.auth.services.sessions import token_revoke_all
from contexts.auth.tokens import TokenPair, token_pair_issue
from nlc.api.http import RequestOrigin
from nlc.db.transactions import atomic


def _token_hash(raw: str) -> str:
    # The token is 256 random bits: a plain SHA-256 is enough to make a stolen table useless.
    return hashlib.sha256(raw.encode()).hexdigest()


def _password_set(*, user: User, password: str) -> None:
    """Set the password and revoke everything the old one gave: sessions, reset links, a lock-out."""
    user.set_password(password)
    user.failed_login_count, user.last_failed_login_at, user.locked_until = 0, None, None
    user.save()
    PasswordResetToken.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    token_revoke_all(user=user)


def user_password_set(
    *, user: User, password: str, actor: User | None = None, origin: RequestOrigin = NO_ORIGIN
) -> None:
    """Set a password chosen by someone else (an admin in the Django admin); audited, sessions revoked."""
    with atomic("auth"):
        user = User.objects.select_for_update().get(pk=user.pk)
        _password_set(user=user, password=password)
        audit_entry_create(
            kind=AuditKind.PASSWORD_CHANGED, user=user, actor=actor, origin=origin, metadata={"by": "admin"}
        )


def user_password_change(*, user: User, current_password: str, new_password: str, origin: RequestOrigin) -> TokenPair:
    """Change the password; every other session is revoked and this one gets a fresh pair."""
    if not user.check_password(current_password):
        raise PasswordIncorrectError()
    password_validate(new_password, user=user, field="new_password")
    with atomic("auth"):
        user = User.objects.select_for_update().get(pk=user.pk)
        _password_set(user=user, password=new_password)
        audit_entry_create(kind=AuditKind.PASSWORD_CHANGED, user=user, origin=origin)
        return token_pair_issue(user=user)


def password_reset_request(*, email: str, origin: RequestOrigin) -> None:
    """Send a reset link to an active account with this e-mail, through comms (the event).

    The caller sees the same answer whether or not such an account exists.
    """
    email = email_normalize(email)
    with atomic("auth"):
        user = User.objects.filter(email=email).first()
        if user is None or not user.is_active:
            audit_entry_create(
                kind=AuditKind.PASSWORD_RESET_REQUESTED,
                user=user,
                email=email,
                origin=origin,
                metadata={"sent": False, "reason": "unknown_email" if user is None else "account_disabled"},
            )
            return
        password_reset_link_issue(user=user, origin=origin)


def password_reset_link_issue(*, user: User, origin: RequestOrigin, actor: User | None = None) -> None:
    """A new reset token, audited, and the event that has comms e-mail its link (inside the caller's
    transaction)."""
    now = timezone.now()
    raw = secrets.token_urlsafe(32)
    expires_at = now + timedelta(minutes=settings.PASSWORD_RESET_TOKEN_MINUTES)
    PasswordResetToken.objects.create(user=user, token_hash=_token_hash(raw), created_at=now, expires_at=expires_at)
    audit_entry_create(
        kind=AuditKind.PASSWORD_RESET_REQUESTED,
        user=user,
        actor=actor,
        origin=origin,
        metadata={"sent": True, "expiresAt": expires_at.isoformat()},
    )
    events.password_reset_requested_publish(
        user=user,
        reset_url=settings.PASSWORD_RESET_URL_TEMPLATE.replace("{token}", quote(raw)),
        expires_at=expires_at,
        requested_at=now,
    )


def password_reset_confirm(*, token: str, new_password: str, origin: RequestOrigin) -> User:
    """Set a new password with a reset token: it works once, before it expires; every session of
    the account is revoked and a lock-out lifted."""
    with atomic("auth"):
        reset = (
            PasswordResetToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=_token_hash(token))
            .first()
        )
        if reset is None or reset.used_at is not None:
            raise ResetTokenInvalidError()
        if reset.expires_at <= timezone.now():
            raise ResetTokenExpiredError()
        user = User.objects.select_for_update().get(pk=reset.user_id)
        if not user.is_active:
            raise ResetTokenInvalidError()
        # Checked before the token is spent, so a weak password does not waste the link.
        password_validate(new_password, user=user, field="new_password")
        _password_set(user=user, password=new_password)
        audit_entry_create(kind=AuditKind.PASSWORD_RESET_COMPLETED, user=user, origin=origin)
    return user
