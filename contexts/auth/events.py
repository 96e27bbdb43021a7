"""What the auth context publishes; payloads follow docs/contracts/events/auth/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nlc.events import publish

USER_CREATED = "auth.user.created"
USER_UPDATED = "auth.user.updated"
PASSWORD_RESET_REQUESTED = "auth.password.reset_requested"


def user_created_publish(*, user, signup_method: str) -> dict:
    return publish(
        USER_CREATED,
        {
            "userId": user.id,
            "email": user.email,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "role": user.role,
            "coachId": user.coach_id,
            "createdAt": user.created_at,
            "signupMethod": signup_method,
        },
        aggregate_id=user.id,
    )


def password_reset_requested_publish(*, user, reset_url: str, expires_at: datetime, requested_at: datetime) -> dict:
    return publish(
        PASSWORD_RESET_REQUESTED,
        {
            "userId": user.id,
            "email": user.email,
            "firstName": user.first_name,
            "resetUrl": reset_url,
            "expiresAt": expires_at,
            "requestedAt": requested_at,
        },
        aggregate_id=user.id,
    )


def user_state(user) -> dict[str, Any]:
    """What auth.user.updated tells of a user, by wire name: compare it before and after a change
    to know its ``changedFields``."""
    return {
        "userId": str(user.id),
        "coachId": str(user.coach_id) if user.coach_id else None,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "role": user.role,
        "status": user.status,
        "timeZone": user.time_zone,
    }


def user_updated_publish(*, user, changed_fields: list[str]) -> dict:
    return publish(
        USER_UPDATED,
        {**user_state(user), "changedFields": changed_fields, "updatedAt": user.updated_at},
        aggregate_id=user.id,
    )
