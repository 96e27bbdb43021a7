"""Coaches and admins manage enrollments, access links, snapshots and a course's aggregates."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from contexts.courses import selectors, services
from contexts.courses.models import Enrollment
from contexts.courses.serializers import (
    CourseAggregatesSerializer,
    EnrollmentDetailSerializer,
    EnrollmentFilterSerializer,
    EnrollmentGrantInputSerializer,
    EnrollmentSerializer,
    SnapshotFilterSerializer,
    SnapshotSerializer,
    aggregates_data,
    enrollment_detail_data,
)
from contexts.courses.structure import course_structure
from contexts.courses.views.common import TAG, _course, _enrollment
from nlc.api.serializers import error_responses, validated
from nlc.api.views import CoachOrAdminView

# --- Enrollments -------------------------------------------------------------------------------


class EnrollmentListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="A course's enrollments with each learner's progress",
        parameters=[EnrollmentFilterSerializer],
        responses={200: EnrollmentSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, course_id):
        return self.list_response(
            request,
            selector=selectors.enrollment_list,
            serializer=EnrollmentSerializer,
            filters=EnrollmentFilterSerializer,
            course=_course(request, course_id),
        )

    @extend_schema(
        tags=[TAG],
        summary="Enroll a client by hand",
        description="201 with a new enrollment (or a revoked one given access again; either publishes "
        "courses.enrollment.created with the access link), 200 when the client already has access.",
        request=EnrollmentGrantInputSerializer,
        responses={
            200: EnrollmentDetailSerializer,
            201: EnrollmentDetailSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request, course_id):
        course = _course(request, course_id)
        data = validated(EnrollmentGrantInputSerializer, request.data)
        result = services.enrollment_grant(course=course, **data)
        return Response(
            _enrollment_detail(result.enrollment),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


def _enrollment_detail(enrollment: Enrollment) -> dict:
    course = enrollment.course
    return enrollment_detail_data(
        enrollment, course_structure(course), selectors.progress_by_lesson(enrollment=enrollment)
    )


def _enrollment_response(request, enrollment_id: UUID) -> Response:
    """The enrollment as the caller may see it now (read again after a change)."""
    return Response(_enrollment_detail(_enrollment(request, enrollment_id)))


class EnrollmentDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="An enrollment with the learner's progress in every lesson, and its access link",
        responses={200: EnrollmentDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, enrollment_id):
        return _enrollment_response(request, enrollment_id)


class EnrollmentRevokeView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Revoke an enrollment: its access link stops working at once",
        request=None,
        responses={200: EnrollmentDetailSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, enrollment_id):
        enrollment = _enrollment(request, enrollment_id)
        services.enrollment_revoke(enrollment=enrollment)
        return _enrollment_response(request, enrollment_id)


class EnrollmentAccessLinkView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Renew an enrollment's access link: the previous one stops working",
        request=None,
        responses={200: EnrollmentDetailSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, enrollment_id):
        enrollment = _enrollment(request, enrollment_id)
        services.enrollment_access_link_renew(enrollment=enrollment)
        return _enrollment_response(request, enrollment_id)


class EnrollmentSnapshotListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="An enrollment's daily progress snapshots, oldest first",
        parameters=[SnapshotFilterSerializer],
        responses={200: SnapshotSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, enrollment_id):
        return self.list_response(
            request,
            selector=selectors.snapshot_list,
            serializer=SnapshotSerializer,
            filters=SnapshotFilterSerializer,
            enrollment=_enrollment(request, enrollment_id),
        )


class CourseAggregatesView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="A course's aggregates and its drop-off per lesson",
        responses={200: CourseAggregatesSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, course_id):
        course = _course(request, course_id)
        return Response(aggregates_data(selectors.course_aggregates(course=course)))
