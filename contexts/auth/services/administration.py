"""What admins do to other identities (through the API or the Django admin): create one, change its
role, status or names. A role or status change is audited and revokes the identity's sessions, so no
token keeps the old role; any change of what auth.user.updated tells publishes it."""

from __future__ import annotations

from uuid import UUID

from contexts.auth import events
from contexts.auth.errors import CannotChangeOwnAccessError
from contexts.auth.models import AuditKind, Role, SignupMethod, User
from contexts.auth.services.accounts import time_zone_validate, user_changes_publish, user_create
from contexts.auth.services.audit import audit_entry_create
from contexts.auth.services.passwords import password_reset_link_issue
from contexts.auth.services.sessions import token_revoke_all
from nlc.api.http import RequestOrigin
from nlc.db.transactions import atomic


def user_create_by_admin(
    *, actor: User, email: str, first_name: str, last_name: str, role: str, origin: RequestOrigin
) -> User:
    """An admin creates an identity without a password; it gets a link to set one (by e-mail)."""
    with atomic("auth"):
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
        password_reset_link_issue(user=user, origin=origin, actor=actor)
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
    """An admin changes another identity's role or status (audited; its sessions are revoked) and,
    optionally, its names."""
    with atomic("auth"):
        user = User.objects.select_for_update().get(pk=user_id)
        if user.pk == actor.pk and ((role and role != user.role) or (status and status != user.status)):
            raise CannotChangeOwnAccessError()
        previous_role, previous_status = user.role, user.status
        before = events.user_state(user)
        if role is not None:
            user.role = role
        if status is not None:
            user.status = status
        if first_name is not None:
            user.first_name = first_name
        if last_name is not None:
            user.last_name = last_name
        user.is_superuser = user.role == Role.ADMIN
        user.save()
        _access_change_record(
            user=user, previous_role=previous_role, previous_status=previous_status, actor=actor, origin=origin
        )
        user_changes_publish(user=user, before=before)
    return user


def user_save_from_admin(*, user: User, actor: User, origin: RequestOrigin) -> User:
    """Save an identity edited in the Django admin; a role or status change is audited and revokes
    its sessions, as through the API."""
    time_zone_validate(user.time_zone)
    with atomic("auth"):
        stored = User.objects.select_for_update().get(pk=user.pk)
        # The admin form does not edit these; keep what is stored, not what the form loaded.
        user.token_generation = stored.token_generation
        user.failed_login_count, user.locked_until = stored.failed_login_count, stored.locked_until
        user.is_superuser = user.role == Role.ADMIN
        user.save()
        _access_change_record(
            user=user, previous_role=stored.role, previous_status=stored.status, actor=actor, origin=origin
        )
        user_changes_publish(user=user, before=events.user_state(stored))
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
        token_revoke_all(user=user)
