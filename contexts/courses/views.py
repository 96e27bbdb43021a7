"""The courses API under /courses/: thin views that validate, call a service or selector, and answer.

- Coaches and admins (a bearer access token): courses, modules, lessons, enrollments, aggregates.
  A coach reaches only its own; another coach's ids answer 404, as if they did not exist.
- Learners (``Authorization: AccessLink <token>``): /courses/learn/... for their one enrollment.
- Anyone: /courses/preview/... for a published course's outline and its free-preview lessons.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.courses import selectors, services
from contexts.courses.authentication import IsLearner, LearnerAccessAuthentication
from contexts.courses.errors import ModuleNotFound
from contexts.courses.serializers import (
    LESSON_INPUT_FIELDS,
    CourseAggregatesSerializer,
    CourseCreateInputSerializer,
    CourseDetailSerializer,
    CourseFilterSerializer,
    CourseSerializer,
    CourseUpdateInputSerializer,
    EnrollmentDetailSerializer,
    EnrollmentFilterSerializer,
    EnrollmentGrantInputSerializer,
    EnrollmentSerializer,
    LearnerLessonSerializer,
    LessonCreateInputSerializer,
    LessonOrderInputSerializer,
    LessonSerializer,
    LessonUpdateInputSerializer,
    ModuleInputSerializer,
    ModuleOrderInputSerializer,
    ModuleSerializer,
    ModuleUpdateInputSerializer,
    OutlineSerializer,
    PreviewSerializer,
    ProgressInputSerializer,
    ProgressRecordedSerializer,
    SnapshotFilterSerializer,
    SnapshotSerializer,
    aggregates_data,
    course_detail_data,
    enrollment_detail_data,
    learner_lesson_data,
    outline_data,
    preview_data,
    progress_recorded_data,
)
from contexts.courses.structure import course_structure
from nlc.api.pagination import PagePagination
from nlc.api.permissions import IsCoachOrAdmin
from nlc.api.serializers import error_responses, validated

TAG = "courses"
LEARNER_TAG = "courses: learners"


def _drip(data: dict) -> dict:
    return {
        wire_to: data[wire]
        for wire, wire_to in (("opensAt", "opens_at"), ("opensAfterDays", "opens_after_days"))
        if wire in data
    }


class CoachView(GenericAPIView):
    permission_classes = [IsCoachOrAdmin]


# --- Courses -----------------------------------------------------------------------------------


class CourseListView(CoachView):
    pagination_class = PagePagination

    @extend_schema(
        tags=[TAG],
        summary="Courses (a coach: its own; an admin: all)",
        parameters=[CourseFilterSerializer],
        responses={200: CourseSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = validated(CourseFilterSerializer, request.query_params)
        page = self.paginate_queryset(selectors.course_list(principal=request.user, filters=filters))
        return self.get_paginated_response(CourseSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Create a course (a draft)",
        description="A coach creates its own course; an admin names the coach with coachId. "
        "Publishes courses.course.created.",
        request=CourseCreateInputSerializer,
        responses={201: CourseDetailSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated(CourseCreateInputSerializer, request.data)
        coach_id = _course_coach(request.user, data.get("coachId"))
        course = services.course_create(
            coach_id=coach_id,
            title=data["title"],
            slug=data.get("slug"),
            description=data["description"],
            sequential=data["sequential"],
        )
        return Response(course_detail_data(course, course_structure(course)), status=status.HTTP_201_CREATED)


def _course_coach(principal, coach_id):
    """Whose course a new one is: a coach's own; for an admin, a coach courses knows of."""
    if principal.is_coach:
        if coach_id is not None and coach_id != principal.coach_id:
            raise ValidationError({"coachId": ["A coach creates only its own courses."]})
        return principal.coach_id
    if coach_id is None:
        raise ValidationError({"coachId": ["Name the coach whose course this is."]})
    if selectors.coach_get(coach_id=coach_id) is None:
        raise ValidationError({"coachId": ["No coach with this id."]})
    return coach_id


class CourseDetailView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="A course with its modules and lessons, in order",
        responses={200: CourseDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, course_id):
        course = selectors.course_get(principal=request.user, course_id=course_id)
        return Response(course_detail_data(course, course_structure(course)))

    @extend_schema(
        tags=[TAG],
        summary="Change a course's title, slug, description or sequential mode",
        request=CourseUpdateInputSerializer,
        responses={200: CourseDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, course_id):
        course = selectors.course_get(principal=request.user, course_id=course_id)
        data = validated(CourseUpdateInputSerializer, request.data)
        course = services.course_update(
            course=course,
            title=data.get("title"),
            slug=data.get("slug"),
            description=data.get("description"),
            sequential=data.get("sequential"),
        )
        return Response(course_detail_data(course, course_structure(course)))

    @extend_schema(
        tags=[TAG],
        summary="Delete a course without enrollments",
        description="A course with enrollments is archived instead: 409 course_has_enrollments.",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    )
    def delete(self, request, course_id):
        course = selectors.course_get(principal=request.user, course_id=course_id)
        services.course_delete(course=course)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CoursePublishView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="Publish a course (also an archived one again)",
        request=None,
        responses={200: CourseSerializer, **error_responses(401, 403, 404, 409)},
    )
    def post(self, request, course_id):
        course = selectors.course_get(principal=request.user, course_id=course_id)
        return Response(CourseSerializer(services.course_publish(course=course)).data)


class CourseArchiveView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="Archive a course",
        description="Nobody new can be enrolled by hand; enrolled learners keep their access.",
        request=None,
        responses={200: CourseSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, course_id):
        course = selectors.course_get(principal=request.user, course_id=course_id)
        return Response(CourseSerializer(services.course_archive(course=course)).data)


# --- Modules -----------------------------------------------------------------------------------


class ModuleListView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="Add a module at the end of a course",
        request=ModuleInputSerializer,
        responses={201: ModuleSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, course_id):
        course = selectors.course_get(principal=request.user, course_id=course_id)
        data = validated(ModuleInputSerializer, request.data)
        module = services.module_create(
            course=course, title=data["title"], description=data["description"], **_drip(data)
        )
        return Response(ModuleSerializer(module).data, status=status.HTTP_201_CREATED)


class ModuleOrderView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="Reorder a course's modules",
        description="moduleIds names every module of the course once, in the new order.",
        request=ModuleOrderInputSerializer,
        responses={200: CourseDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def put(self, request, course_id):
        course = selectors.course_get(principal=request.user, course_id=course_id)
        data = validated(ModuleOrderInputSerializer, request.data)
        services.modules_reorder(course=course, module_ids=data["moduleIds"])
        course = selectors.course_get(principal=request.user, course_id=course_id)
        return Response(course_detail_data(course, course_structure(course)))


class ModuleDetailView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="Change a module's title, description or drip",
        request=ModuleUpdateInputSerializer,
        responses={200: ModuleSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, module_id):
        module = selectors.module_get(principal=request.user, module_id=module_id)
        data = validated(ModuleUpdateInputSerializer, request.data)
        module = services.module_update(
            module=module, title=data.get("title"), description=data.get("description"), **_drip(data)
        )
        return Response(ModuleSerializer(module).data)

    @extend_schema(
        tags=[TAG],
        summary="Delete a module with its lessons",
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request, module_id):
        module = selectors.module_get(principal=request.user, module_id=module_id)
        services.module_delete(module=module)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Lessons -----------------------------------------------------------------------------------


def _lesson_arguments(data: dict) -> dict:
    return {LESSON_INPUT_FIELDS[wire]: value for wire, value in data.items() if wire in LESSON_INPUT_FIELDS}


class LessonListView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="Add a lesson at the end of a module",
        description="A video or downloadable names its media asset; its state follows media's events.",
        request=LessonCreateInputSerializer,
        responses={201: LessonSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, module_id):
        module = selectors.module_get(principal=request.user, module_id=module_id)
        data = validated(LessonCreateInputSerializer, request.data)
        lesson = services.lesson_create(module=module, **_lesson_arguments(data))
        return Response(LessonSerializer(lesson).data, status=status.HTTP_201_CREATED)


class LessonOrderView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="Reorder a module's lessons",
        description="lessonIds names every lesson of the module once, in the new order.",
        request=LessonOrderInputSerializer,
        responses={200: CourseDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def put(self, request, module_id):
        module = selectors.module_get(principal=request.user, module_id=module_id)
        data = validated(LessonOrderInputSerializer, request.data)
        services.lessons_reorder(module=module, lesson_ids=data["lessonIds"])
        course = selectors.course_get(principal=request.user, course_id=module.course_id)
        return Response(course_detail_data(course, course_structure(course)))


class LessonDetailView(CoachView):
    @extend_schema(tags=[TAG], summary="A lesson", responses={200: LessonSerializer, **error_responses(401, 403, 404)})
    def get(self, request, lesson_id):
        return Response(LessonSerializer(selectors.lesson_get(principal=request.user, lesson_id=lesson_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Change a lesson, or move it to another module of the course",
        request=LessonUpdateInputSerializer,
        responses={200: LessonSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, lesson_id):
        lesson = selectors.lesson_get(principal=request.user, lesson_id=lesson_id)
        data = validated(LessonUpdateInputSerializer, request.data)
        module = None
        if "moduleId" in data:
            try:
                module = selectors.module_get(principal=request.user, module_id=data["moduleId"])
            except ModuleNotFound as error:
                raise ValidationError({"moduleId": ["No such module."]}) from error
        lesson = services.lesson_update(lesson=lesson, module=module, **_lesson_arguments(data))
        return Response(LessonSerializer(lesson).data)

    @extend_schema(
        tags=[TAG],
        summary="Delete a lesson (and the learners' progress in it)",
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request, lesson_id):
        lesson = selectors.lesson_get(principal=request.user, lesson_id=lesson_id)
        services.lesson_delete(lesson=lesson)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Enrollments -------------------------------------------------------------------------------


class EnrollmentListView(CoachView):
    pagination_class = PagePagination

    @extend_schema(
        tags=[TAG],
        summary="A course's enrollments with each learner's progress",
        parameters=[EnrollmentFilterSerializer],
        responses={200: EnrollmentSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, course_id):
        course = selectors.course_get(principal=request.user, course_id=course_id)
        filters = validated(EnrollmentFilterSerializer, request.query_params)
        page = self.paginate_queryset(selectors.enrollment_list(principal=request.user, course=course, filters=filters))
        return self.get_paginated_response(EnrollmentSerializer(page, many=True).data)

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
        course = selectors.course_get(principal=request.user, course_id=course_id)
        data = validated(EnrollmentGrantInputSerializer, request.data)
        result = services.enrollment_grant(course=course, email=data["email"], name=data["name"])
        return Response(
            _enrollment_detail(result.enrollment),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


def _enrollment_detail(enrollment) -> dict:
    course = enrollment.course
    return enrollment_detail_data(
        enrollment, course_structure(course), selectors.progress_by_lesson(enrollment=enrollment)
    )


def _enrollment_response(request, enrollment_id) -> Response:
    """The enrollment as the caller may see it now (read again after a change)."""
    return Response(_enrollment_detail(selectors.enrollment_get(principal=request.user, enrollment_id=enrollment_id)))


class EnrollmentDetailView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="An enrollment with the learner's progress in every lesson, and its access link",
        responses={200: EnrollmentDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, enrollment_id):
        return _enrollment_response(request, enrollment_id)


class EnrollmentRevokeView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="Revoke an enrollment: its access link stops working at once",
        request=None,
        responses={200: EnrollmentDetailSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, enrollment_id):
        enrollment = selectors.enrollment_get(principal=request.user, enrollment_id=enrollment_id)
        services.enrollment_revoke(enrollment=enrollment)
        return _enrollment_response(request, enrollment_id)


class EnrollmentAccessLinkView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="Renew an enrollment's access link: the previous one stops working",
        request=None,
        responses={200: EnrollmentDetailSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, enrollment_id):
        enrollment = selectors.enrollment_get(principal=request.user, enrollment_id=enrollment_id)
        services.enrollment_access_link_renew(enrollment=enrollment)
        return _enrollment_response(request, enrollment_id)


class EnrollmentSnapshotListView(CoachView):
    pagination_class = PagePagination

    @extend_schema(
        tags=[TAG],
        summary="An enrollment's daily progress snapshots, oldest first",
        parameters=[SnapshotFilterSerializer],
        responses={200: SnapshotSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, enrollment_id):
        enrollment = selectors.enrollment_get(principal=request.user, enrollment_id=enrollment_id)
        filters = validated(SnapshotFilterSerializer, request.query_params)
        snapshots = selectors.snapshot_list(
            enrollment=enrollment, since=filters.get("since"), until=filters.get("until")
        )
        page = self.paginate_queryset(snapshots)
        return self.get_paginated_response(SnapshotSerializer(page, many=True).data)


class CourseAggregatesView(CoachView):
    @extend_schema(
        tags=[TAG],
        summary="A course's aggregates and its drop-off per lesson",
        responses={200: CourseAggregatesSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, course_id):
        course = selectors.course_get(principal=request.user, course_id=course_id)
        return Response(aggregates_data(selectors.course_aggregates(course=course)))


# --- Learners ----------------------------------------------------------------------------------


class LearnerView(APIView):
    authentication_classes = [LearnerAccessAuthentication]
    permission_classes = [IsLearner]


class LearnerOutlineView(LearnerView):
    @extend_schema(
        tags=[LEARNER_TAG],
        summary="The course as the learner sees it: open and locked items, and the learner's progress",
        responses={200: OutlineSerializer, **error_responses(401, 403)},
    )
    def get(self, request):
        return Response(outline_data(selectors.learner_outline(enrollment=request.user.enrollment)))


class LearnerLessonView(LearnerView):
    @extend_schema(
        tags=[LEARNER_TAG],
        summary="An open lesson with its content and the learner's progress (where to resume)",
        description="A locked lesson: 403 lesson_locked with details.reason (drip or sequential), "
        "details.opensAt and details.waitingForLessonId.",
        responses={200: LearnerLessonSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, lesson_id):
        lesson = selectors.learner_lesson(enrollment=request.user.enrollment, lesson_id=lesson_id)
        return Response(learner_lesson_data(lesson.lesson, lesson.progress))


class LearnerProgressView(LearnerView):
    @extend_schema(
        tags=[LEARNER_TAG],
        summary="Record progress in a lesson",
        description="Video: positionSeconds (where to resume) and, for the stretch watched since the last "
        "report, watchedFromSeconds; watched seconds are a union, so rewatching adds nothing, and the video "
        "completes at its threshold. Text and downloadable: completed=true. A report may count no more "
        "than could have played since the previous one (COURSES_MAX_PLAYBACK_RATE).",
        request=ProgressInputSerializer,
        responses={200: ProgressRecordedSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, lesson_id):
        data = validated(ProgressInputSerializer, request.data)
        enrollment = request.user.enrollment
        recorded = services.lesson_progress_record(
            enrollment=enrollment,
            lesson_id=lesson_id,
            report=services.ProgressReport(
                position_seconds=data.get("positionSeconds"),
                watched_from_seconds=data.get("watchedFromSeconds"),
                completed=data["completed"],
            ),
        )
        lesson = course_structure(enrollment.course).lessons[lesson_id]
        return Response(progress_recorded_data(recorded, lesson))


# --- Public previews ---------------------------------------------------------------------------


class PreviewView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class CoursePreviewView(PreviewView):
    @extend_schema(
        tags=[TAG],
        summary="A published course's outline, for its sales page",
        responses={200: PreviewSerializer, **error_responses(404)},
    )
    def get(self, request, course_id):
        course = selectors.published_course_get(course_id=course_id)
        return Response(preview_data(course, course_structure(course)))


class LessonPreviewView(PreviewView):
    @extend_schema(
        tags=[TAG],
        summary="A free-preview lesson of a published course",
        responses={200: LearnerLessonSerializer, **error_responses(403, 404)},
    )
    def get(self, request, course_id, lesson_id):
        course = selectors.published_course_get(course_id=course_id)
        lesson = selectors.preview_lesson_get(course=course, lesson_id=lesson_id)
        return Response(learner_lesson_data(lesson, selectors.NO_PROGRESS))
