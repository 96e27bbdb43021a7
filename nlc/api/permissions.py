"""Role checks on ``request.user``: a :class:`~nlc.api.principal.Principal`, or the auth context's user.

Both carry ``role`` and ``coach_id``, so these work in every context.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from nlc.api.principal import ADMIN, COACH, SERVICE


def _role(request) -> str | None:
    user = request.user
    if not (user and user.is_authenticated):
        return None
    return getattr(user, "role", None)


class IsAdmin(BasePermission):
    message = "Only admins can do this."
    code = "admin_only"

    def has_permission(self, request, view) -> bool:
        return _role(request) == ADMIN


class IsCoachOrAdmin(BasePermission):
    message = "Only coaches and admins can do this."
    code = "coach_or_admin_only"

    def has_permission(self, request, view) -> bool:
        return _role(request) in {COACH, ADMIN}


class IsCoach(BasePermission):
    message = "Only coaches can do this."
    code = "coach_only"

    def has_permission(self, request, view) -> bool:
        return _role(request) == COACH


class IsService(BasePermission):
    """Another context calling with a service token addressed to this one."""

    message = "Only a service token for this context can do this."
    code = "service_only"

    def has_permission(self, request, view) -> bool:
        return _role(request) == SERVICE
