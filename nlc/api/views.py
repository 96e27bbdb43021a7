"""The base views of every context's API, and the one routine for lists and for "not found".

A context's view picks its base by who may call it, validates, calls one service or selector and
shapes the answer::

    class PaymentLinkListView(CoachOrAdminView):
        def get(self, request):
            return self.list_response(
                request,
                filters=PaymentLinkFilterSerializer,
                selector=selectors.payment_link_list,
                serializer=PaymentLinkSerializer,
            )

        def post(self, request):  # coaches only
            ...

    link = get_or_404(selectors.payment_link_get(principal=request.user, payment_link_id=id), "payment_link")

Selectors return ``None`` for what the caller may not see, so another coach's id answers the same
404 as an id that never existed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from nlc.api.metadata import SafeMetadata
from nlc.api.pagination import PagePagination
from nlc.api.permissions import IsAdmin, IsCoach, IsCoachOrAdmin, IsService
from nlc.api.serializers import validated
from nlc.errors import NotFoundError

T = TypeVar("T")


def get_or_404(row: T | None, entity: str) -> T:
    """``row``, or the kernel's 404 with the code ``<entity>_not_found``."""
    if row is None:
        raise NotFoundError.of(entity)
    return row


class BaseView(GenericAPIView):
    """What every view of the platform shares: the page size, OPTIONS that never asks for a
    serializer, and the list routine."""

    pagination_class = PagePagination
    metadata_class = SafeMetadata  # type: ignore[assignment]

    def list_response(
        self,
        request,
        *,
        selector: Callable[..., QuerySet | list],
        serializer: type,
        filters: type | None = None,
        **selector_kwargs: Any,
    ) -> Response:
        """Validate the query's filters, read the caller's rows, answer one page of them."""
        if filters is not None:
            selector_kwargs["filters"] = validated(filters, request.query_params)
        rows = selector(principal=request.user, **selector_kwargs)
        return self.paginated_response(rows, serializer)

    def paginated_response(self, rows: QuerySet | list, serializer: type) -> Response:
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer(page, many=True).data)


class CoachOrAdminView(BaseView):
    """A coach (its own data) or an admin (everyone's)."""

    permission_classes: list[type[BasePermission]] = [IsCoachOrAdmin]


class CoachView(BaseView):
    """Coaches only (e.g. they create what belongs to them)."""

    permission_classes: list[type[BasePermission]] = [IsCoach]


class AdminView(BaseView):
    """Admins only."""

    permission_classes: list[type[BasePermission]] = [IsAdmin]


class ServiceView(BaseView):
    """Another context calling with a service token addressed to this one."""

    permission_classes: list[type[BasePermission]] = [IsService]


class PublicView(BaseView):
    """Anyone, with no token: a stale Authorization header is ignored rather than refused."""

    authentication_classes: list = []
    permission_classes: list[type[BasePermission]] = [AllowAny]
