"""What the courses context does with other contexts' events: thin handlers that call a service.

Each runs in the transaction of its inbox row (nlc.events.dispatch), so a redelivered event changes
nothing; the services are idempotent besides (the same payment never enrolls twice, even when billing
would publish it twice).
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from contexts.courses import services
from contexts.courses.models import MediaState
from nlc.events import Event, handles
from nlc.events.dispatch import DeadLetterError

logger = logging.getLogger("contexts.courses")

COURSE_PURCHASE = "course_purchase"


def _uuid(value) -> UUID | None:
    return UUID(value) if value else None


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@handles("auth.user.created", versions=(1,))
def coach_copy_from_user_created(event: Event) -> None:
    """Keep a copy of each coach, so an admin can create a course for a coach that exists."""
    payload = event.payload
    if payload["role"] != "coach":
        return
    services.coach_copy_save(
        coach_id=UUID(payload["coachId"]),
        email=payload["email"],
        first_name=payload["firstName"],
        last_name=payload["lastName"],
        created_at=_moment(payload["createdAt"]),
    )


@handles("billing.payment.completed", versions=(1,))
def enroll_buyer(event: Event) -> None:
    payload = event.payload
    if payload["kind"] != COURSE_PURCHASE or not payload.get("courseId"):
        return
    try:
        services.enrollment_create_from_payment(
            transaction_id=UUID(payload["transactionId"]),
            coach_id=UUID(payload["coachId"]),
            course_id=UUID(payload["courseId"]),
            client_id=_uuid(payload.get("clientId")),
            client_email=payload["clientEmail"],
            client_name=payload.get("clientName") or "",
        )
    except services.PurchaseForUnknownCourse as error:
        # Retrying cannot make the course appear: straight to the dead letters, where an operator
        # sees a paid purchase that enrolled nobody.
        raise DeadLetterError(str(error)) from error


@handles("billing.payment.refunded", versions=(1,))
def revoke_refunded_enrollment(event: Event) -> None:
    payload = event.payload
    if payload["kind"] != COURSE_PURCHASE or not payload["fullRefund"]:
        return
    services.enrollment_revoke_for_refund(transaction_id=UUID(payload["transactionId"]))


def _media_state_apply(event: Event, *, state: str, at_field: str, duration_seconds: int | None = None) -> None:
    payload = event.payload
    services.media_asset_state_apply(
        asset_id=UUID(payload["assetId"]),
        coach_id=UUID(payload["coachId"]),
        kind=payload["kind"],
        state=state,
        changed_at=_moment(payload[at_field]),
        duration_seconds=duration_seconds,
    )


@handles("media.asset.ready", versions=(1,))
def lesson_media_ready(event: Event) -> None:
    _media_state_apply(
        event, state=MediaState.READY, at_field="readyAt", duration_seconds=event.payload.get("durationSeconds")
    )


@handles("media.asset.failed", versions=(1,))
def lesson_media_failed(event: Event) -> None:
    _media_state_apply(event, state=MediaState.FAILED, at_field="failedAt")


@handles("media.asset.deleted", versions=(1,))
def lesson_media_deleted(event: Event) -> None:
    _media_state_apply(event, state=MediaState.DELETED, at_field="deletedAt")
