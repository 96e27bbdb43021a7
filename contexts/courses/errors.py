"""Every error of the courses context, in domain words: each subclasses a kind of :mod:`nlc.errors`
(which the API layer maps to a status) and keeps a stable ``code``. Not found is the kernel's
``NotFoundError.of("course" | "module" | "lesson" | "enrollment")``."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from nlc.errors import (
    AuthenticationFailedError,
    ConflictError,
    InvalidInputError,
    NotPermittedError,
)
from nlc.time import iso_z


class FieldsInvalidError(InvalidInputError):
    """Inputs that break a rule of the domain, named in ``field_errors`` (domain names, e.g. ``opens_at``)."""

    code = "invalid"
    message = "The request is invalid: see fieldErrors."


class CourseHasEnrollmentsError(ConflictError):
    code = "course_has_enrollments"
    message = "This course has enrollments and cannot be deleted: archive it instead."


class CourseEmptyError(ConflictError):
    code = "course_empty"
    message = "A course needs at least one lesson before it can be published."


class CourseArchivedError(ConflictError):
    code = "course_archived"
    message = "This course is archived: publish it again before enrolling anyone."


class OrderMismatchError(InvalidInputError):
    code = "order_mismatch"
    message = "The new order must name every item exactly once."

    def __init__(self, *, field: str, expected: list[UUID]):
        super().__init__(
            field_errors={field: ["Give every id of the current items exactly once."]},
            details={"expected": sorted(str(item) for item in expected)},
        )


class LessonLockedError(NotPermittedError):
    code = "lesson_locked"

    def __init__(self, *, reason: str | None, opens_at: datetime | None, waiting_for: UUID | None):
        if opens_at is not None:
            message = f"This lesson opens on {opens_at.isoformat()}."
        else:
            message = "This lesson opens once the required lessons before it are complete."
        super().__init__(
            message,
            details={
                "reason": reason,
                "opensAt": iso_z(opens_at),
                "waitingForLessonId": str(waiting_for) if waiting_for else None,
            },
        )


class VideoCompletesByWatchingError(InvalidInputError):
    code = "video_completes_by_watching"
    message = "A video lesson is completed by watching it, not by marking it: send positionSeconds."

    def __init__(self):
        super().__init__(field_errors={"completed": [self.message]})


class ProgressInvalidError(InvalidInputError):
    code = "invalid"


class LessonHasNoVideoError(InvalidInputError):
    code = "lesson_has_no_video"
    message = "Only a video lesson with its video asset reports playback."


class AccessLinkInvalidError(AuthenticationFailedError):
    code = "access_link_invalid"
    message = "This access link is not valid (any more): ask the coach for a new one."


class AccessTokenInvalidError(Exception):
    """An access-link token we did not issue (or a malformed one); the API answers AccessLinkInvalidError."""


class EnrollmentRevokedError(NotPermittedError):
    code = "enrollment_revoked"
    message = "Access to this course has been withdrawn."


class EnrollmentRequiredError(NotPermittedError):
    code = "enrollment_required"
    message = "Only the free-preview lessons of a course can be read without enrolling."


class PurchaseForUnknownCourseError(Exception):
    """A course purchase names a course that is not the coach's: money was taken, nobody enrolled.
    A consumer dead-letters the event (retrying cannot make the course appear)."""
