"""Learners authenticate with their enrollment's access link: ``Authorization: AccessLink <token>``.

The token travels in a header rather than in the URL so that it never lands in access logs. Every
request reads the enrollment (one query, which the views need anyway), so a revoked enrollment or a
renewed link is refused at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from contexts.courses import selectors
from contexts.courses.access import access_token_read
from contexts.courses.errors import AccessLinkInvalidError, AccessTokenInvalidError, EnrollmentRevokedError
from contexts.courses.models import Enrollment, EnrollmentStatus

KEYWORD = "AccessLink"
LEARNER = "learner"


@dataclass(frozen=True)
class Learner:
    """request.user of a learner: the enrollment its access link names."""

    enrollment: Enrollment
    role: ClassVar[str] = LEARNER
    coach_id: ClassVar[None] = None
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    @property
    def id(self):
        # Throttles count per principal id: per enrollment here.
        return self.enrollment.id

    def __str__(self) -> str:
        return f"learner:{self.enrollment.id}"


class LearnerAccessAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not parts or parts[0].lower() != KEYWORD.lower():
            return None
        if len(parts) != 2:
            raise AccessLinkInvalidError(
                f"The Authorization header must be '{KEYWORD} <token>'.", code="access_link_malformed"
            )
        try:
            enrollment_id, version = access_token_read(parts[1])
        except AccessTokenInvalidError as error:
            raise AccessLinkInvalidError() from error
        enrollment = selectors.enrollment_for_access(enrollment_id=enrollment_id)
        if enrollment is None:
            raise AccessLinkInvalidError()
        if enrollment.status == EnrollmentStatus.REVOKED:
            raise EnrollmentRevokedError()
        if enrollment.access_version != version:
            raise AccessLinkInvalidError()
        return Learner(enrollment), None

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="learn"'


class IsLearner(BasePermission):
    message = "An access link is needed for this."
    code = "learner_only"

    def has_permission(self, request, view) -> bool:
        return getattr(request.user, "role", None) == LEARNER


class LearnerAccessScheme(OpenApiAuthenticationExtension):
    target_class = "contexts.courses.authentication.LearnerAccessAuthentication"
    name = "accessLink"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"'{KEYWORD} <token>', the token of the learner's access link "
            "(LEARNER_ACCESS_URL_TEMPLATE). Never put it in a URL.",
        }
