"""The courses API under /courses/: thin views that validate, call a service or selector, and answer.

- Coaches and admins (a bearer access token): courses, modules, lessons, enrollments, aggregates.
  A coach reaches only its own; another coach's ids answer 404, as if they did not exist.
- Learners (``Authorization: AccessLink <token>``): /courses/learn/... for their one enrollment.
- Anyone: /courses/preview/... for a published course's outline and its free-preview lessons.
"""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from contexts.courses import selectors, services
from contexts.courses.authentication import IsLearner, LearnerAccessAuthentication
from contexts.courses.data import NO_PROGRESS, ProgressReport
from contexts.courses.errors import FieldsInvalidError
from contexts.courses.models import Course, Enrollment
from contexts.courses.serializers import (
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
from nlc.api.principal import Principal
from nlc.api.serializers import error_responses, validated
from nlc.api.views import BaseView, CoachOrAdminView, PublicView, get_or_404

TAG = "courses"
LEARNER_TAG = "courses: learners"


def _course(request, course_id: UUID) -> Course:
    return get_or_404(selectors.course_get(principal=request.user, course_id=course_id), "course")


def _enrollment(request, enrollment_id: UUID) -> Enrollment:
    return get_or_404(selectors.enrollment_get(principal=request.user, enrollment_id=enrollment_id), "enrollment")


# --- Courses -----------------------------------------------------------------------------------


class CourseListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Courses (a coach: its own; an admin: all)",
        parameters=[CourseFilterSerializer],
        responses={200: CourseSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.course_list, serializer=CourseSerializer, filters=CourseFilterSerializer
        )

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
        coach_id = _course_coach(request.user, data.pop("coach_id", None))
        course = services.course_create(coach_id=coach_id, **data)
        return Response(course_detail_data(course, course_structure(course)), status=status.HTTP_201_CREATED)


def _course_coach(principal: Principal, coach_id: UUID | None) -> UUID:
    """Whose course a new one is: a coach's own; for an admin, a coach courses knows of."""
    if principal.is_coach and principal.coach_id is not None:
        if coach_id is not None and coach_id != principal.coach_id:
            raise FieldsInvalidError(field_errors={"coach_id": ["A coach creates only its own courses."]})
        return principal.coach_id
    if coach_id is None:
        raise FieldsInvalidError(field_errors={"coach_id": ["Name the coach whose course this is."]})
    if selectors.coach_get(coach_id=coach_id) is None:
        raise FieldsInvalidError(field_errors={"coach_id": ["No coach with this id."]})
    return coach_id


class CourseDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="A course with its modules and lessons, in order",
        responses={200: CourseDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, course_id):
        course = _course(request, course_id)
        return Response(course_detail_data(course, course_structure(course)))

    @extend_schema(
        tags=[TAG],
        summary="Change a course's title, slug, description or sequential mode",
        request=CourseUpdateInputSerializer,
        responses={200: CourseDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, course_id):
        course = _course(request, course_id)
        data = validated(CourseUpdateInputSerializer, request.data)
        course = services.course_update(course=course, **data)
        return Response(course_detail_data(course, course_structure(course)))

    @extend_schema(
        tags=[TAG],
        summary="Delete a course without enrollments",
        description="A course with enrollments is archived instead: 409 course_has_enrollments.",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    )
    def delete(self, request, course_id):
        course = _course(request, course_id)
        services.course_delete(course=course)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CoursePublishView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Publish a course (also an archived one again)",
        request=None,
        responses={200: CourseSerializer, **error_responses(401, 403, 404, 409)},
    )
    def post(self, request, course_id):
        course = _course(request, course_id)
        return Response(CourseSerializer(services.course_publish(course=course)).data)


class CourseArchiveView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Archive a course",
        description="Nobody new can be enrolled by hand; enrolled learners keep their access.",
        request=None,
        responses={200: CourseSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, course_id):
        course = _course(request, course_id)
        return Response(CourseSerializer(services.course_archive(course=course)).data)


# --- Modules -----------------------------------------------------------------------------------


class ModuleListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Add a module at the end of a course",
        request=ModuleInputSerializer,
        responses={201: ModuleSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, course_id):
        course = _course(request, course_id)
        data = validated(ModuleInputSerializer, request.data)
        module = services.module_create(course=course, **data)
        return Response(ModuleSerializer(module).data, status=status.HTTP_201_CREATED)


class ModuleOrderView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Reorder a course's modules",
        description="moduleIds names every module of the course once, in the new order.",
        request=ModuleOrderInputSerializer,
        responses={200: CourseDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def put(self, request, course_id):
        course = _course(request, course_id)
        data = validated(ModuleOrderInputSerializer, request.data)
        services.module_reorder(course=course, module_ids=data["module_ids"])
        course = _course(request, course_id)
        return Response(course_detail_data(course, course_structure(course)))


class ModuleDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Change a module's title, description or drip",
        request=ModuleUpdateInputSerializer,
        responses={200: ModuleSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, module_id):
        module = get_or_404(selectors.module_get(principal=request.user, module_id=module_id), "module")
        data = validated(ModuleUpdateInputSerializer, request.data)
        module = services.module_update(module=module, **data)
        return Response(ModuleSerializer(module).data)

    @extend_schema(
        tags=[TAG],
        summary="Delete a module with its lessons",
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request, module_id):
        module = get_or_404(selectors.module_get(principal=request.user, module_id=module_id), "module")
        services.module_delete(module=module)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Lessons -----------------------------------------------------------------------------------


class LessonListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Add a lesson at the end of a module",
        description="A video or downloadable names its media asset; its state follows media's events.",
        request=LessonCreateInputSerializer,
        responses={201: LessonSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, module_id):
        module = get_or_404(selectors.module_get(principal=request.user, module_id=module_id), "module")
        data = validated(LessonCreateInputSerializer, request.data)
        lesson = services.lesson_create(module=module, **data)
        return Response(LessonSerializer(lesson).data, status=status.HTTP_201_CREATED)


class LessonOrderView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Reorder a module's lessons",
        description="lessonIds names every lesson of the module once, in the new order.",
        request=LessonOrderInputSerializer,
        responses={200: CourseDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def put(self, request, module_id):
        module = get_or_404(selectors.module_get(principal=request.user, module_id=module_id), "module")
        data = validated(LessonOrderInputSerializer, request.data)
        services.lesson_reorder(module=module, lesson_ids=data["lesson_ids"])
        course = _course(request, module.course_id)
        return Response(course_detail_data(course, course_structure(course)))


def _lesson(request, lesson_id: UUID):
    return get_or_404(selectors.lesson_get(principal=request.user, lesson_id=lesson_id), "lesson")


class LessonDetailView(CoachOrAdminView):
    @extend_schema(tags=[TAG], summary="A lesson", responses={200: LessonSerializer, **error_responses(401, 403, 404)})
    def get(self, request, lesson_id):
        return Response(LessonSerializer(_lesson(request, lesson_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Change a lesson, or move it to another module of the course",
        request=LessonUpdateInputSerializer,
        responses={200: LessonSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, lesson_id):
        lesson = _lesson(request, lesson_id)
        data = validated(LessonUpdateInputSerializer, request.data)
        module = None
        if "module_id" in data:
            module = selectors.module_get(principal=request.user, module_id=data.pop("module_id"))
            if module is None:
                raise FieldsInvalidError(field_errors={"module_id": ["No such module."]})
        lesson = services.lesson_update(lesson=lesson, module=module, **data)
        return Response(LessonSerializer(lesson).data)

    @extend_schema(
        tags=[TAG],
        summary="Delete a lesson (and the learners' progress in it)",
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request, lesson_id):
        lesson = _lesson(request, lesson_id)
        services.lesson_delete(lesson=lesson)
        return Response(status=status.HTTP_204_NO_CONTENT)


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


# --- Learners ----------------------------------------------------------------------------------


# A learner with the access link of one enrollment (request.user.enrollment). A comment, not a
# docstring: drf-spectacular would show a docstring as every learner endpoint's description.
class LearnerView(BaseView):
    authentication_classes = [LearnerAccessAuthentication]
    permission_classes: list[type[BasePermission]] = [IsLearner]


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
        lesson = get_or_404(selectors.learner_lesson(enrollment=request.user.enrollment, lesson_id=lesson_id), "lesson")
        return Response(learner_lesson_data(lesson.lesson, lesson.progress, lesson.playback))


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
            report=ProgressReport(**data),
        )
        lesson = course_structure(enrollment.course).lessons[lesson_id]
        return Response(progress_recorded_data(recorded, lesson))


# --- Public previews ---------------------------------------------------------------------------


def _published_course(course_id: UUID) -> Course:
    return get_or_404(selectors.published_course_get(course_id=course_id), "course")


class CoursePreviewView(PublicView):
    @extend_schema(
        tags=[TAG],
        summary="A published course's outline, for its sales page",
        responses={200: PreviewSerializer, **error_responses(404)},
    )
    def get(self, request, course_id):
        course = _published_course(course_id)
        return Response(preview_data(course, course_structure(course)))


class LessonPreviewView(PublicView):
    @extend_schema(
        tags=[TAG],
        summary="A free-preview lesson of a published course",
        responses={200: LearnerLessonSerializer, **error_responses(403, 404)},
    )
    def get(self, request, course_id, lesson_id):
        course = _published_course(course_id)
        lesson = get_or_404(selectors.preview_lesson_get(course=course, lesson_id=lesson_id), "lesson")
        return Response(learner_lesson_data(lesson, NO_PROGRESS))
