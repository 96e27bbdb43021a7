"""Coaches and admins build courses: courses, modules and lessons."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from contexts.courses import selectors, services
from contexts.courses.errors import FieldsInvalidError
from contexts.courses.serializers import (
    CourseCreateInputSerializer,
    CourseDetailSerializer,
    CourseFilterSerializer,
    CourseSerializer,
    CourseUpdateInputSerializer,
    LessonCreateInputSerializer,
    LessonOrderInputSerializer,
    LessonSerializer,
    LessonUpdateInputSerializer,
    ModuleInputSerializer,
    ModuleOrderInputSerializer,
    ModuleSerializer,
    ModuleUpdateInputSerializer,
    course_detail_data,
)
from contexts.courses.structure import course_structure
from contexts.courses.views.common import TAG, _course
from nlc.api.principal import Principal
from nlc.api.serializers import error_responses, validated
from nlc.api.views import CoachOrAdminView, get_or_404

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
