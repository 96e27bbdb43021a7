"""The analytics API: thin views on the kernel's bases (nlc.api.views). Each validates its input,
calls one selector and shapes the answer. Coaches read their own numbers; admins everyone's (or one
coach's with ``coachId``) and the platform's."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from contexts.analytics import selectors
from contexts.analytics.rules import csv_cell_escape
from contexts.analytics.serializers import (
    ClientHealthSerializer,
    CoachFilterSerializer,
    CourseDropoffSerializer,
    CourseProgressSerializer,
    KpiReportSerializer,
    PlatformFilterSerializer,
    PlatformReportSerializer,
    RangeFilterSerializer,
)
from nlc.api.serializers import error_responses, validated
from nlc.api.views import AdminView, CoachOrAdminView, get_or_404

TAG = "analytics"


class KpiView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="kpi_report",
        summary="KPIs over a date range by day, week or month, with the previous period of equal length",
        parameters=[RangeFilterSerializer],
        responses={200: KpiReportSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = validated(RangeFilterSerializer, request.query_params)
        return Response(KpiReportSerializer(selectors.kpi_report(principal=request.user, filters=filters)).data)


class KpiExportView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="kpi_export",
        summary="The KPIs of a date range as CSV, a bucket per row (a row per currency)",
        parameters=[RangeFilterSerializer],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = validated(RangeFilterSerializer, request.query_params)
        report = selectors.kpi_report(principal=request.user, filters=filters)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=selectors.KPI_CSV_COLUMNS)
        writer.writeheader()
        for row in selectors.kpi_csv_rows(report):
            writer.writerow(
                {column: csv_cell_escape(value) if isinstance(value, str) else value for column, value in row.items()}
            )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kpis.csv"'
        return response


class CourseProgressListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="course_progress_list",
        summary="Per course: enrollments, completions and the average of each enrollment's latest progress",
        parameters=[CoachFilterSerializer],
        responses={200: CourseProgressSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.course_progress_list,
            serializer=CourseProgressSerializer,
            filters=CoachFilterSerializer,
        )


class CourseDropoffView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="course_dropoff",
        summary="A course's drop-off by lesson: learners who completed each lesson, in the order reached",
        responses={200: CourseDropoffSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, course_id):
        report = selectors.course_dropoff(principal=request.user, course_id=course_id)
        return Response(CourseDropoffSerializer(get_or_404(report, "course")).data)


class ClientHealthListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="client_health_list",
        summary="Each client's health score (0-100) with the parts it is made of",
        parameters=[CoachFilterSerializer],
        responses={200: ClientHealthSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = validated(CoachFilterSerializer, request.query_params)
        page = self.paginate_queryset(selectors.client_health_list(principal=request.user, filters=filters))
        explained = selectors.client_health_explained(list(page or []))
        return self.get_paginated_response(ClientHealthSerializer(explained, many=True).data)


class ClientHealthDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="client_health_retrieve",
        summary="One client's health score and its parts",
        parameters=[OpenApiParameter("coachId", OpenApiTypes.UUID, description="Admins: the client's coach.")],
        responses={200: ClientHealthSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, client_id):
        filters = validated(CoachFilterSerializer, request.query_params)
        row = selectors.client_health_get(principal=request.user, client_id=client_id, coach_id=filters.get("coach_id"))
        return Response(ClientHealthSerializer(selectors.client_health_explained([get_or_404(row, "client")])[0]).data)


class PlatformView(AdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="platform_report",
        summary="Platform numbers (admins): coaches, MRR and its movements, GMV, webhook health, by UTC day",
        parameters=[PlatformFilterSerializer],
        responses={200: PlatformReportSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = validated(PlatformFilterSerializer, request.query_params)
        return Response(PlatformReportSerializer(selectors.platform_report(filters=filters)).data)
