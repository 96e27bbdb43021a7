"""What the courses context does with other contexts' events: thin handlers that call a service.

Each runs in the transaction of its inbox row (nlc.events.dispatch), so a redelivered event changes
nothing; the services are idempotent besides (the same payment never enrolls twice, even when billing
would publish it twice).
"""

from __future__ import annotations

from typing import Any

from contexts.courses import services
from contexts.courses.errors import PurchaseForUnknownCourseError
from contexts.courses.models import MediaState
from nlc.events import DeadLetterError, Event, handles

COURSE_PURCHASE = "course_purchase"


@handles("auth.user.created", versions=(1,))
def coach_copy_from_user_created(event: Event) -> None:
    """Keep a copy of each coach, so an admin can create a course for a coach that exists."""
    if event.text("role") != "coach":
        return
    services.coach_copy_save(
        coach_id=event.uuid("coachId"),
        email=event.text("email"),
        first_name=event.text("firstName"),
        last_name=event.text("lastName"),
        created_at=event.moment("createdAt"),
    )


@handles("billing.payment.completed", versions=(1,))
def enroll_buyer(event: Event) -> None:
    if event.text("kind") != COURSE_PURCHASE or not event.value("courseId", None):
        return
    try:
        services.enrollment_create_from_payment(
            transaction_id=event.uuid("transactionId"),
            coach_id=event.uuid("coachId"),
            course_id=event.uuid("courseId"),
            client_id=event.optional_uuid("clientId"),
            client_email=event.text("clientEmail"),
            client_name=event.text("clientName", default=""),
        )
    except PurchaseForUnknownCourseError as error:
        # Retrying cannot make the course appear: straight to the dead letters, where an operator
        # sees a paid purchase that enrolled nobody.
        raise DeadLetterError(str(error)) from error


@handles("billing.payment.refunded", versions=(1,))
def revoke_refunded_enrollment(event: Event) -> None:
    if event.text("kind") != COURSE_PURCHASE or not event.value("fullRefund"):
        return
    services.enrollment_revoke_for_refund(transaction_id=event.uuid("transactionId"))


def _media_state_apply(event: Event, *, state: str, at_field: str, **known: Any) -> None:
    services.media_asset_state_apply(
        asset_id=event.uuid("assetId"),
        coach_id=event.uuid("coachId"),
        kind=event.text("kind"),
        state=state,
        changed_at=event.moment(at_field),
        **known,
    )


# v1 knows only the vimeo provider; v2 any provider and, on ready, the provider's player URL.
@handles("media.asset.created", versions=(1, 2))
def lesson_media_created(event: Event) -> None:
    _media_state_apply(event, state=MediaState.PENDING, at_field="createdAt", provider=event.text("provider"))


@handles("media.asset.ready", versions=(1, 2))
def lesson_media_ready(event: Event) -> None:
    duration = event.value("durationSeconds", None)
    _media_state_apply(
        event,
        state=MediaState.READY,
        at_field="readyAt",
        duration_seconds=event.integer("durationSeconds") if duration is not None else None,
        provider=event.text("provider"),
        external_id=event.text("externalId"),
        playback_url=event.optional_text("playbackUrl"),
    )


@handles("media.asset.failed", versions=(1, 2))
def lesson_media_failed(event: Event) -> None:
    _media_state_apply(event, state=MediaState.FAILED, at_field="failedAt", provider=event.text("provider"))


@handles("media.asset.deleted", versions=(1,))
def lesson_media_deleted(event: Event) -> None:
    _media_state_apply(event, state=MediaState.DELETED, at_field="deletedAt")


@handles("leads.client.erased", versions=(1,))
def learner_erased(event: Event) -> None:
    """The coach had the person erased: their enrollments are anonymized and their links revoked."""
    services.client_erase(coach_id=event.uuid("coachId"), client_id=event.uuid("clientId"))
