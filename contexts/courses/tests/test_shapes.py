"""The hand-rendered answers (hot paths) have exactly the shape their documented serializers declare."""

import uuid

import pytest
from django.utils import timezone
from rest_framework import serializers

from contexts.courses import serializers as shapes
from contexts.courses import services
from contexts.courses.models import LessonKind, MediaState
from contexts.courses.tests.conftest import build_course, grant, learner_client_for
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["courses"])


def _keys(serializer) -> dict:
    """The nested field names a serializer declares."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    return {
        name: _keys(field) if isinstance(field, serializers.BaseSerializer) else None
        for name, field in serializer.fields.items()
    }


def _shape(data, like: dict):
    """The nested keys of ``data``, following lists (their first item) where ``like`` nests."""
    if isinstance(data, list):
        return _shape(data[0], like) if data else like
    return {
        key: _shape(value, like.get(key) or {}) if isinstance(like.get(key), dict) else None
        for key, value in data.items()
    }


def test_every_hand_rendered_answer_matches_its_serializer(coach_client):
    # a ready Vimeo video, so the learner's lesson carries its playback
    asset_id = uuid.uuid4()
    services.media_asset_state_apply(
        asset_id=asset_id,
        coach_id=COACH_ID,
        kind="video",
        state=MediaState.READY,
        changed_at=timezone.now(),
        provider="vimeo",
        external_id="76979871",
    )
    video_fields = {"duration_seconds": 60, "is_free_preview": True, "media_asset_id": asset_id}
    built = build_course(modules=[("M", {}, [("Video", LessonKind.VIDEO, video_fields)])])
    enrollment = grant(built.course)
    learner = learner_client_for(enrollment)
    video = built.lessons["Video"]
    learner.post(f"/courses/learn/lessons/{video.id}/progress", {"positionSeconds": 5, "watchedFromSeconds": 0})
    answers = {
        shapes.OutlineSerializer(): learner.get("/courses/learn/outline").json(),
        shapes.LearnerLessonSerializer(): learner.get(f"/courses/learn/lessons/{video.id}").json(),
        shapes.ProgressRecordedSerializer(): learner.post(
            f"/courses/learn/lessons/{video.id}/progress", {"positionSeconds": 6}
        ).json(),
        shapes.CourseDetailSerializer(): coach_client.get(f"/courses/courses/{built.course.id}").json(),
        shapes.EnrollmentDetailSerializer(): coach_client.get(f"/courses/enrollments/{enrollment.id}").json(),
        shapes.CourseAggregatesSerializer(): coach_client.get(f"/courses/courses/{built.course.id}/stats").json(),
        shapes.PreviewSerializer(): coach_client.get(f"/courses/preview/{built.course.id}").json(),
    }
    for serializer, answer in answers.items():
        declared = _keys(serializer)
        assert _shape(answer, declared) == declared, type(serializer).__name__
