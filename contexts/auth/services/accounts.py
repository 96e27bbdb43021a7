"""Identities: created (by sign-up, Google, an admin, the Django admin or the manager), audited and
published as auth.user.created in one transaction; a person's own profile."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from contexts.auth import events
from contexts.auth.errors import EmailRequiredError, EmailTakenError, PasswordRejectedError
from contexts.auth.models import AuditKind, Role, SignupMethod, Status, User
from contexts.auth.services.audit import NO_ORIGIN, audit_entry_create
from contexts.auth.tokens import TokenPair, token_pair_issue
from nlc.api.http import RequestOrigin
from nlc.db.transactions import atomic


def email_normalize(email: str) -> str:
    return email.strip().lower()


def password_validate(password: str, *, user: User, field: str) -> None:
    """Django's password validators; a refusal names the input ``field`` (its domain name)."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise PasswordRejectedError(field=field, messages=list(error.messages)) from error


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
    email = email_normalize(email)
    if not email:
        raise EmailRequiredError()
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
    user.email = email_normalize(user.email)
    user.is_superuser = user.role == Role.ADMIN
    with atomic("auth"):
        if User.objects.filter(email=user.email).exists():
            raise EmailTakenError()
        try:
            with atomic("auth"):
                user.save()
        except IntegrityError as error:  # a concurrent sign-up with the same e-mail won the race
            raise EmailTakenError() from error
        audit_entry_create(
            kind=AuditKind.USER_CREATED,
            user=user,
            actor=actor,
            origin=origin,
            metadata={"role": user.role, "signupMethod": signup_method},
        )
        events.user_created_publish(user=user, signup_method=signup_method)
    return user


def coach_sign_up(
    *, email: str, password: str, first_name: str, last_name: str, origin: RequestOrigin
) -> tuple[User, TokenPair]:
    prospect = User(email=email_normalize(email), first_name=first_name, last_name=last_name)
    password_validate(password, user=prospect, field="password")
    with atomic("auth"):
        user = user_create(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            signup_method=SignupMethod.PASSWORD,
            origin=origin,
        )
        return user, token_pair_issue(user=user)


def user_profile_update(*, user: User, first_name: str | None = None, last_name: str | None = None) -> User:
    changed: list[str] = []
    if first_name is not None:
        user.first_name, changed = first_name, [*changed, "first_name"]
    if last_name is not None:
        user.last_name, changed = last_name, [*changed, "last_name"]
    if changed:
        user.save(update_fields=[*changed, "updated_at"])
    return user
