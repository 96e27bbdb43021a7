"""The courses context's domain errors: each has its HTTP status and a stable code (nlc.api.errors)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from nlc.api.errors import ApiError


class NotFound(ApiError):
    status_code = 404
    default_code = "not_found"
    default_detail = "Not found."


class CourseNotFound(NotFound):
    default_code = "course_not_found"
    default_detail = "No such course."


class ModuleNotFound(NotFound):
    default_code = "module_not_found"
    default_detail = "No such module."


class LessonNotFound(NotFound):
    default_code = "lesson_not_found"
    default_detail = "No such lesson."


class EnrollmentNotFound(NotFound):
    default_code = "enrollment_not_found"
    default_detail = "No such enrollment."


class CourseHasEnrollments(ApiError):
    status_code = 409
    default_code = "course_has_enrollments"
    default_detail = "This course has enrollments and cannot be deleted: archive it instead."


class CourseEmpty(ApiError):
    status_code = 409
    default_code = "course_empty"
    default_detail = "A course needs at least one lesson before it can be published."


class CourseArchived(ApiError):
    status_code = 409
    default_code = "course_archived"
    default_detail = "This course is archived: publish it again before enrolling anyone."


class OrderMismatch(ApiError):
    status_code = 400
    default_code = "order_mismatch"

    def __init__(self, *, field: str, expected: list[UUID]):
        super().__init__(
            "The new order must name every item exactly once.",
            field_errors={field: ["Give every id of the current items exactly once."]},
            details={"expected": sorted(str(item) for item in expected)},
        )


class LessonLocked(ApiError):
    status_code = 403
    default_code = "lesson_locked"

    def __init__(self, *, reason: str, opens_at: datetime | None, waiting_for: UUID | None):
        if opens_at is not None:
            message = f"This lesson opens on {opens_at.isoformat()}."
        else:
            message = "This lesson opens once the required lessons before it are complete."
        super().__init__(
            message,
            details={
                "reason": reason,
                "opensAt": opens_at.isoformat().replace("+00:00", "Z") if opens_at else None,
                "waitingForLessonId": str(waiting_for) if waiting_for else None,
            },
        )


class VideoCompletesByWatching(ApiError):
    status_code = 400
    default_code = "video_completes_by_watching"
    default_detail = "A video lesson is completed by watching it, not by marking it: send positionSeconds."

    def __init__(self):
        super().__init__(field_errors={"completed": [self.default_detail]})


class ProgressInvalid(ApiError):
    status_code = 400
    default_code = "invalid"


class AccessLinkInvalid(ApiError):
    status_code = 401
    default_code = "access_link_invalid"
    default_detail = "This access link is not valid (any more): ask the coach for a new one."


class EnrollmentRevoked(ApiError):
    status_code = 403
    default_code = "enrollment_revoked"
    default_detail = "Access to this course has been withdrawn."


class EnrollmentRequired(ApiError):
    status_code = 403
    default_code = "enrollment_required"
    default_detail = "Only the free-preview lessons of a course can be read without enrolling."
