"""What the courses views share: their OpenAPI tags and the caller's course and enrollment."""

from __future__ import annotations

from uuid import UUID

from contexts.courses import selectors
from contexts.courses.models import Course, Enrollment
from nlc.api.views import get_or_404

TAG = "courses"
LEARNER_TAG = "courses: learners"


def _course(request, course_id: UUID) -> Course:
    return get_or_404(selectors.course_get(principal=request.user, course_id=course_id), "course")


def _enrollment(request, enrollment_id: UUID) -> Enrollment:
    return get_or_404(selectors.enrollment_get(principal=request.user, enrollment_id=enrollment_id), "enrollment")
