"""Writes of the auth context. Each service owns its transaction on the auth alias: the change, its
audit row and its event commit together or not at all.

Failures that must still leave a trace (a wrong password counts towards a lock-out and is audited)
commit first and raise after the transaction, so the error reaches the caller with the trace kept.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from contexts.auth import events
from contexts.auth.errors import (
    AccountDisabled,
    AccountLocked,
    CannotChangeOwnAccess,
    GoogleAccountMismatch,
    InvalidCredentials,
    PasswordIncorrect,
    ResetTokenExpired,
    ResetTokenInvalid,
)
from contexts.auth.models import (
    AuditKind,
    AuditLogEntry,
    PasswordResetToken,
    Role,
    SignupMethod,
    Status,
    User,
)
from contexts.auth.providers.google import google_identity_verify
from contexts.auth.tokens import GENERATION_CLAIM, TokenPair, token_pair_issue
from nlc.api import tokens as jwt_tokens
from nlc.api.http import RequestOrigin
from nlc.api.tokens import InvalidToken
from nlc.db.router import alias_for_context

NO_ORIGIN = RequestOrigin()


def _alias() -> str:
    return alias_for_context("auth")


def normalize_email(email: str) -> str:
    return email.strip().lower()


# --- Audit log ---------------------------------------------------------------------------------


def audit_entry_create(
    *,
    kind: str,
    origin: RequestOrigin,
    user: User | None = None,
    email: str = "",
    actor: User | None = None,
    metadata: dict[str, Any] | None = None,
) -> AuditLogEntry:
    """Record a security event; call it inside the transaction of the change it records."""
    return AuditLogEntry.objects.using(_alias()).create(
        kind=kind,
        user_id=user.id if user else None,
        actor_id=actor.id if actor else None,
        email=user.email if user and not email else email,
        ip=origin.ip,
        user_agent=origin.user_agent,
        metadata=metadata or {},
    )


# --- Identities --------------------------------------------------------------------------------


def user_create(
    *,
    email: str,
    password: str | None,
    signup_method: str,
    role: str = Role.COACH,
    first_name: str = "",
    last_name: str = "",
    status: str = Status.ACTIVE,
    google_subject: str | None = None,
    actor: User | None = None,
    origin: RequestOrigin = NO_ORIGIN,
) -> User:
    """Create an identity, audit it and publish auth.user.created. ``password=None``: no usable
    password (Google sign-in, or an admin-created account that sets one with a reset link)."""
    email = normalize_email(email)
    if not email:
        raise ValidationError({"email": ["An e-mail address is required."]})
    user = User(
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        status=status,
        google_subject=google_subject,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    return user_save_new(user=user, signup_method=signup_method, actor=actor, origin=origin)


def user_save_new(
    *, user: User, signup_method: str, actor: User | None = None, origin: RequestOrigin = NO_ORIGIN
) -> User:
    """Save a new, unsaved identity built elsewhere (the Django admin's add form), audited and published."""
    user.email = normalize_email(user.email)
    user.is_superuser = user.role == Role.ADMIN
    with transaction.atomic(using=_alias()):
        if User.objects.filter(email=user.email).exists():
            raise ValidationError({"email": ["An account with this e-mail address already exists."]})
        try:
            with transaction.atomic(using=_alias()):
                user.save(using=_alias())
        except IntegrityError as error:  # a concurrent sign-up with the same e-mail won the race
            raise ValidationError({"email": ["An account with this e-mail address already exists."]}) from error
        audit_entry_create(
            kind=AuditKind.USER_CREATED,
            user=user,
            actor=actor,
            origin=origin,
            metadata={"role": user.role, "signupMethod": signup_method},
        )
        events.user_created_publish(user=user, signup_method=signup_method)
    return user


def password_validate(password: str, *, user: User, field: str) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


def coach_sign_up(
    *, email: str, password: str, first_name: str, last_name: str, origin: RequestOrigin
) -> tuple[User, TokenPair]:
    prospect = User(email=normalize_email(email), first_name=first_name, last_name=last_name)
    password_validate(password, user=prospect, field="password")
    with transaction.atomic(using=_alias()):
        user = user_create(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            signup_method=SignupMethod.PASSWORD,
            origin=origin,
        )
        return user, token_pair_issue(user=user)


def user_create_by_admin(
    *, actor: User, email: str, first_name: str, last_name: str, role: str, origin: RequestOrigin
) -> User:
    """An admin creates an identity without a password; it gets a link to set one (by e-mail)."""
    with transaction.atomic(using=_alias()):
        user = user_create(
            email=email,
            password=None,
            first_name=first_name,
            last_name=last_name,
            role=role,
            signup_method=SignupMethod.ADMIN,
            actor=actor,
            origin=origin,
        )
        _reset_link_issue(user=user, origin=origin, actor=actor)
    return user


def user_profile_update(*, user: User, first_name: str | None = None, last_name: str | None = None) -> User:
    changed = []
    if first_name is not None:
        user.first_name, changed = first_name, [*changed, "first_name"]
    if last_name is not None:
        user.last_name, changed = last_name, [*changed, "last_name"]
    if changed:
        user.save(using=_alias(), update_fields=[*changed, "updated_at"])
    return user


def user_access_update(
    *,
    actor: User,
    user_id: UUID,
    origin: RequestOrigin,
    role: str | None = None,
    status: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> User:
    """An admin changes another identity's role or status (audited; its sessions are revoked, so no
    token keeps the old role) and, optionally, its names."""
    with transaction.atomic(using=_alias()):
        user = User.objects.select_for_update().get(pk=user_id)
        if user.pk == actor.pk and ((role and role != user.role) or (status and status != user.status)):
            raise CannotChangeOwnAccess()
        previous_role, previous_status = user.role, user.status
        if role is not None:
            user.role = role
        if status is not None:
            user.status = status
        if first_name is not None:
            user.first_name = first_name
        if last_name is not None:
            user.last_name = last_name
        user.is_superuser = user.role == Role.ADMIN
        user.save(using=_alias())
        _access_change_record(
            user=user, previous_role=previous_role, previous_status=previous_status, actor=actor, origin=origin
        )
    return user


def user_save_from_admin(*, user: User, actor: User, origin: RequestOrigin) -> User:
    """Save an identity edited in the Django admin; a role or status change is audited and revokes
    its sessions, as through the API."""
    with transaction.atomic(using=_alias()):
        stored = User.objects.select_for_update().get(pk=user.pk)
        # The admin form does not edit these; keep what is stored, not what the form loaded.
        user.token_generation = stored.token_generation
        user.failed_login_count, user.locked_until = stored.failed_login_count, stored.locked_until
        user.is_superuser = user.role == Role.ADMIN
        user.save(using=_alias())
        _access_change_record(
            user=user, previous_role=stored.role, previous_status=stored.status, actor=actor, origin=origin
        )
    return user


def _access_change_record(
    *, user: User, previous_role: str, previous_status: str, actor: User, origin: RequestOrigin
) -> None:
    changed = False
    if user.role != previous_role:
        changed = True
        audit_entry_create(
            kind=AuditKind.ROLE_CHANGED,
            user=user,
            actor=actor,
            origin=origin,
            metadata={"from": previous_role, "to": user.role},
        )
    if user.status != previous_status:
        changed = True
        audit_entry_create(
            kind=AuditKind.STATUS_CHANGED,
            user=user,
            actor=actor,
            origin=origin,
            metadata={"from": previous_status, "to": user.status},
        )
    if changed:
        _sessions_revoke(user=user)


# --- Sessions ----------------------------------------------------------------------------------


def _sessions_revoke(*, user: User) -> None:
    """Revoke every token of ``user``: the generation moves on, and open refresh tokens are blacklisted."""
    User.objects.filter(pk=user.pk).update(token_generation=user.token_generation + 1)
    user.token_generation += 1
    open_tokens = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in open_tokens], ignore_conflicts=True
    )


def session_create_with_password(*, email: str, password: str, origin: RequestOrigin) -> tuple[User, TokenPair]:
    """Log in. Failed attempts are audited and count towards a lock-out of the account."""
    email = normalize_email(email)
    now = timezone.now()
    failure: Exception | None = None
    with transaction.atomic(using=_alias()):
        user = User.objects.select_for_update().filter(email=email).first()
        if user is None:
            # Hash anyway, so an unknown e-mail takes as long to refuse as a wrong password.
            User().set_password(password)
            audit_entry_create(
                kind=AuditKind.LOGIN_FAILED, email=email, origin=origin, metadata={"reason": "unknown_email"}
            )
            failure = InvalidCredentials()
        elif user.is_locked(at=now):
            audit_entry_create(
                kind=AuditKind.LOGIN_FAILED, user=user, origin=origin, metadata={"reason": "account_locked"}
            )
            failure = AccountLocked(locked_until=user.locked_until)
        elif not user.check_password(password):
            failure = _login_failure_record(user=user, now=now, origin=origin)
        elif not user.is_active:
            audit_entry_create(
                kind=AuditKind.LOGIN_FAILED, user=user, origin=origin, metadata={"reason": "account_disabled"}
            )
            failure = AccountDisabled()
        else:
            user.failed_login_count, user.last_failed_login_at, user.locked_until = 0, None, None
            user.last_login = now
            user.save(
                using=_alias(),
                update_fields=["failed_login_count", "last_failed_login_at", "locked_until", "last_login"],
            )
            audit_entry_create(
                kind=AuditKind.LOGIN_SUCCEEDED, user=user, origin=origin, metadata={"method": "password"}
            )
            pair = token_pair_issue(user=user)
    if failure is not None:
        raise failure
    return user, pair


def _login_failure_record(*, user: User, now, origin: RequestOrigin) -> Exception:
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
    failure: Exception = InvalidCredentials()
    if user.failed_login_count >= settings.AUTH_LOCKOUT_MAX_FAILED_LOGINS:
        user.locked_until = now + window
        audit_entry_create(
            kind=AuditKind.ACCOUNT_LOCKED,
            user=user,
            origin=origin,
            metadata={"failedAttempts": user.failed_login_count, "lockedUntil": user.locked_until.isoformat()},
        )
        user.failed_login_count = 0
        failure = AccountLocked(locked_until=user.locked_until)
    user.save(using=_alias(), update_fields=["failed_login_count", "last_failed_login_at", "locked_until"])
    return failure


def session_create_with_google(*, id_token: str, origin: RequestOrigin) -> tuple[User, TokenPair, bool]:
    """Sign in with a Google ID token: the identity linked to that Google account, else the one with
    its (verified) e-mail, which gets linked, else a new coach. Returns (user, tokens, created)."""
    identity = google_identity_verify(token=id_token)
    created = False
    failure: Exception | None = None
    with transaction.atomic(using=_alias()):
        user = User.objects.select_for_update().filter(google_subject=identity.subject).first()
        if user is None:
            user = User.objects.select_for_update().filter(email=identity.email).first()
            if user is not None and user.google_subject is not None:
                raise GoogleAccountMismatch()
        if user is None:
            user = user_create(
                email=identity.email,
                password=None,
                first_name=identity.first_name,
                last_name=identity.last_name,
                google_subject=identity.subject,
                signup_method=SignupMethod.GOOGLE,
                origin=origin,
            )
            created = True
        if not user.is_active:
            audit_entry_create(
                kind=AuditKind.LOGIN_FAILED,
                user=user,
                origin=origin,
                metadata={"reason": "account_disabled", "method": "google"},
            )
            failure = AccountDisabled()
        else:
            if user.google_subject is None:
                user.google_subject = identity.subject
                audit_entry_create(
                    kind=AuditKind.GOOGLE_LINKED, user=user, origin=origin, metadata={"googleSubject": identity.subject}
                )
            user.last_login = timezone.now()
            user.save(using=_alias(), update_fields=["google_subject", "last_login"])
            audit_entry_create(kind=AuditKind.LOGIN_SUCCEEDED, user=user, origin=origin, metadata={"method": "google"})
            pair = token_pair_issue(user=user)
    if failure is not None:
        raise failure
    return user, pair, created


def _refresh_claims(raw: str) -> dict[str, Any]:
    claims = jwt_tokens.decode(raw)
    if claims["token_type"] != jwt_tokens.REFRESH:
        raise InvalidToken("token_type_invalid", "This is not a refresh token.")
    return claims


def session_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate: the refresh token is blacklisted and a new pair issued, with the user's current role."""
    claims = _refresh_claims(refresh_token)
    with transaction.atomic(using=_alias()):
        outstanding = OutstandingToken.objects.select_for_update().filter(jti=claims["jti"]).first()
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            raise InvalidToken("token_revoked", "This refresh token was revoked: log in again.")
        user = User.objects.filter(pk=claims["sub"]).first()
        if user is None or claims.get(GENERATION_CLAIM) != user.token_generation:
            raise InvalidToken("token_revoked", "This session was signed out: log in again.")
        if not user.is_active:
            raise AccountDisabled()
        BlacklistedToken.objects.create(token=outstanding)
        return token_pair_issue(user=user)


def session_revoke(*, refresh_token: str, origin: RequestOrigin) -> None:
    """Log out one session: its refresh token is blacklisted. Logging out twice changes nothing."""
    claims = _refresh_claims(refresh_token)
    with transaction.atomic(using=_alias()):
        outstanding = OutstandingToken.objects.select_for_update().filter(jti=claims["jti"]).first()
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            return
        BlacklistedToken.objects.create(token=outstanding)
        user = User.objects.filter(pk=claims["sub"]).first()
        audit_entry_create(kind=AuditKind.LOGOUT, user=user, email=claims.get("email", ""), origin=origin)


def session_revoke_all(*, user: User, origin: RequestOrigin) -> None:
    """Log out everywhere: every refresh token is revoked, and so is every access token at the
    auth context at once (elsewhere they expire within ACCESS_TOKEN_LIFETIME)."""
    with transaction.atomic(using=_alias()):
        user = User.objects.select_for_update().get(pk=user.pk)
        _sessions_revoke(user=user)
        audit_entry_create(kind=AuditKind.LOGOUT_ALL, user=user, origin=origin)


# --- Passwords ---------------------------------------------------------------------------------


def _token_hash(raw: str) -> str:
    # The token is 256 random bits: a plain SHA-256 is enough to make a stolen table useless.
    return hashlib.sha256(raw.encode()).hexdigest()


def _password_set(*, user: User, password: str) -> None:
    """Set the password and revoke everything the old one gave: sessions, reset links, a lock-out."""
    user.set_password(password)
    user.failed_login_count, user.last_failed_login_at, user.locked_until = 0, None, None
    user.save(using=_alias())
    PasswordResetToken.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    _sessions_revoke(user=user)


def user_password_set(
    *, user: User, password: str, actor: User | None = None, origin: RequestOrigin = NO_ORIGIN
) -> None:
    """Set a password chosen by someone else (an admin in the Django admin); audited, sessions revoked."""
    with transaction.atomic(using=_alias()):
        user = User.objects.select_for_update().get(pk=user.pk)
        _password_set(user=user, password=password)
        audit_entry_create(
            kind=AuditKind.PASSWORD_CHANGED, user=user, actor=actor, origin=origin, metadata={"by": "admin"}
        )


def user_password_change(*, user: User, current_password: str, new_password: str, origin: RequestOrigin) -> TokenPair:
    """Change the password; every other session is revoked and this one gets a fresh pair."""
    if not user.check_password(current_password):
        raise PasswordIncorrect()
    password_validate(new_password, user=user, field="newPassword")
    with transaction.atomic(using=_alias()):
        user = User.objects.select_for_update().get(pk=user.pk)
        _password_set(user=user, password=new_password)
        audit_entry_create(kind=AuditKind.PASSWORD_CHANGED, user=user, origin=origin)
        return token_pair_issue(user=user)


def password_reset_request(*, email: str, origin: RequestOrigin) -> None:
    """Send a reset link to an active account with this e-mail, through comms (the event).

    The caller sees the same answer whether or not such an account exists.
    """
    email = normalize_email(email)
    with transaction.atomic(using=_alias()):
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
        _reset_link_issue(user=user, origin=origin)


def _reset_link_issue(*, user: User, origin: RequestOrigin, actor: User | None = None) -> None:
    """A new reset token, audited, and the event that has comms e-mail its link."""
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
    with transaction.atomic(using=_alias()):
        reset = (
            PasswordResetToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=_token_hash(token))
            .first()
        )
        if reset is None or reset.used_at is not None:
            raise ResetTokenInvalid()
        if reset.expires_at <= timezone.now():
            raise ResetTokenExpired()
        user = User.objects.select_for_update().get(pk=reset.user_id)
        if not user.is_active:
            raise ResetTokenInvalid()
        # Checked before the token is spent, so a weak password does not waste the link.
        password_validate(new_password, user=user, field="newPassword")
        _password_set(user=user, password=new_password)
        audit_entry_create(kind=AuditKind.PASSWORD_RESET_COMPLETED, user=user, origin=origin)
    return user
