"""Learners with an access link (/courses/learn/...), and anyone reading a published course's preview."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from contexts.courses import selectors, services
from contexts.courses.authentication import IsLearner, LearnerAccessAuthentication
from contexts.courses.data import NO_PROGRESS, ProgressReport
from contexts.courses.models import Course
from contexts.courses.serializers import (
    LearnerLessonSerializer,
    OutlineSerializer,
    PlaybackInputSerializer,
    PreviewSerializer,
    ProgressInputSerializer,
    ProgressRecordedSerializer,
    learner_lesson_data,
    outline_data,
    preview_data,
    progress_recorded_data,
)
from contexts.courses.structure import course_structure
from contexts.courses.views.common import LEARNER_TAG, TAG
from nlc.api.serializers import error_responses, validated
from nlc.api.views import BaseView, PublicView, get_or_404

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


class LearnerPlaybackView(LearnerView):
    @extend_schema(
        tags=[LEARNER_TAG],
        summary="Report playback of a video lesson (for its asset's usage)",
        description="event=started when a play begins, progress for the seconds watched since the learner's last "
        "report for this lesson (0 to 3600 per report). Announced as courses.progress.updated with the lesson's "
        "asset; the learner's progress is unchanged. A lesson without a video asset: 400 lesson_has_no_video.",
        request=PlaybackInputSerializer,
        responses={204: None, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, lesson_id):
        data = validated(PlaybackInputSerializer, request.data)
        services.lesson_playback_record(
            enrollment=request.user.enrollment,
            lesson_id=lesson_id,
            started=data["event"] == "started",
            seconds_watched=data["seconds_watched"],
        )
        return Response(status=204)


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
