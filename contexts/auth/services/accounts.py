"""Identities: created (by sign-up, Google, an admin, the Django admin or the manager), audited and
published as auth.user.created in one transaction; a person's own profile. A change of what
auth.user.updated tells (names, e-mail, role, status, time zone) publishes it, with the fields that
changed, in the transaction of the change; a change that changes nothing publishes nothing."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from contexts.auth import events
from contexts.auth.errors import EmailRequiredError, EmailTakenError, PasswordRejectedError, TimeZoneUnknownError
from contexts.auth.models import DEFAULT_TIME_ZONE, AuditKind, Role, SignupMethod, Status, User
from contexts.auth.services.audit import NO_ORIGIN, audit_entry_create
from contexts.auth.tokens import TokenPair, token_pair_issue
from nlc.api.http import RequestOrigin
from nlc.db.transactions import atomic


def email_normalize(email: str) -> str:
    return email.strip().lower()


@cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_validate(time_zone: str) -> str:
    """An IANA time zone name zoneinfo knows (the tzdata package ships the database)."""
    if time_zone not in _known_time_zones():
        raise TimeZoneUnknownError()
    return time_zone


def user_changes_publish(*, user: User, before: dict[str, Any]) -> list[str]:
    """Publish auth.user.updated for what changed since ``before`` (events.user_state of the user
    then), inside the transaction of the change; nothing when nothing changed. Returns the changes."""
    after = events.user_state(user)
    changed = [name for name, value in after.items() if before[name] != value]
    if changed:
        events.user_updated_publish(user=user, changed_fields=changed)
    return changed


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
    time_zone: str = DEFAULT_TIME_ZONE,
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
        time_zone=time_zone_validate(time_zone),
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
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    origin: RequestOrigin,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> tuple[User, TokenPair]:
    time_zone_validate(time_zone)
    prospect = User(email=email_normalize(email), first_name=first_name, last_name=last_name)
    password_validate(password, user=prospect, field="password")
    with atomic("auth"):
        user = user_create(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            time_zone=time_zone,
            signup_method=SignupMethod.PASSWORD,
            origin=origin,
        )
        return user, token_pair_issue(user=user)


def user_profile_update(
    *, user: User, first_name: str | None = None, last_name: str | None = None, time_zone: str | None = None
) -> User:
    """A person changes its own names or time zone; auth.user.updated tells what changed."""
    if time_zone is not None:
        time_zone_validate(time_zone)
    with atomic("auth"):
        user = User.objects.select_for_update().get(pk=user.pk)
        before = events.user_state(user)
        changes = {"first_name": first_name, "last_name": last_name, "time_zone": time_zone}
        changed = [name for name, value in changes.items() if value is not None and value != getattr(user, name)]
        for name in changed:
            setattr(user, name, changes[name])
        if changed:
            user.save(update_fields=[*changed, "updated_at"])
            user_changes_publish(user=user, before=before)
    return user
