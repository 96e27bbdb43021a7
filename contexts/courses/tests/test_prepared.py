"""The learner's hot reads (contexts.courses.prepared) answer what the ORM queries they replace answer."""

import uuid
from datetime import timedelta

import pytest
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone

from contexts.courses import prepared
from contexts.courses.data import NO_PROGRESS, LessonProgressView
from contexts.courses.models import Enrollment, Lesson, LessonKind, MediaAsset, MediaState
from contexts.courses.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    LessonProgressFactory,
    ModuleFactory,
)
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases="__all__")


def _values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _orm_lesson(enrollment: Enrollment, lesson_id: uuid.UUID) -> Lesson:
    """The ORM query the prepared lesson read replaced."""
    asset = MediaAsset.objects.filter(pk=OuterRef("media_asset_id"))
    return (
        Lesson.objects.annotate(
            mine=FilteredRelation("progress", condition=Q(progress__enrollment=enrollment)),
            progress_id=F("mine__id"),
            progress_position_seconds=F("mine__position_seconds"),
            progress_watched_seconds=F("mine__watched_seconds"),
            progress_completed_at=F("mine__completed_at"),
            progress_last_reported_at=F("mine__last_reported_at"),
            media_provider=Subquery(asset.values("provider")[:1]),
            media_external_id=Subquery(asset.values("external_id")[:1]),
            media_playback_url=Subquery(asset.values("playback_url")[:1]),
        )
        .filter(pk=lesson_id)
        .get()
    )


def test_the_enrollment_read_is_select_related_course():
    enrollment = EnrollmentFactory(
        course=CourseFactory(coach_id=COACH_ID, sequential=True),
        completed_at=timezone.now() - timedelta(days=1),
        last_activity_at=timezone.now(),
        transaction_id=uuid.uuid4(),
        access_version=3,
    )
    expected = Enrollment.objects.select_related("course").get(pk=enrollment.pk)

    read = prepared.enrollment_with_course(enrollment.pk)

    assert read is not None
    assert _values(read) == _values(expected)
    assert read._state.db == expected._state.db
    assert not read._state.adding
    assert Enrollment.course.is_cached(read)
    assert _values(read.course) == _values(expected.course)
    assert read.course._state.db == expected.course._state.db


def test_no_enrollment_reads_none():
    assert prepared.enrollment_with_course(uuid.uuid4()) is None


@pytest.mark.parametrize(
    ("kind", "asset", "with_progress"),
    [
        (LessonKind.TEXT, None, False),
        (LessonKind.TEXT, None, True),
        (LessonKind.DOWNLOAD, {"provider": "storage", "external_id": "documents/x"}, False),
        (LessonKind.VIDEO, {"provider": "vimeo", "external_id": "76979871"}, True),
        (
            LessonKind.VIDEO,
            {"provider": "vimeo", "external_id": "1", "playback_url": "https://player.vimeo.com/video/1?h=2"},
            False,
        ),
        (LessonKind.VIDEO, {"provider": "local", "external_id": ""}, True),
    ],
)
def test_the_lesson_read_answers_what_the_orm_query_answered(kind, asset, with_progress):
    course = CourseFactory(coach_id=COACH_ID)
    module = ModuleFactory(course=course)
    media = {}
    if asset is not None:
        media_asset = MediaAsset.objects.create(
            id=uuid.uuid4(), coach_id=COACH_ID, kind="video", state=MediaState.READY, changed_at=timezone.now(), **asset
        )
        media = {"media_asset_id": media_asset.id, "media_state": MediaState.READY}
    lesson = LessonFactory(module=module, kind=kind, duration_seconds=600, file_name="w.pdf", body="Read me", **media)
    enrollment = EnrollmentFactory(course=course)
    other = EnrollmentFactory(course=course)
    LessonProgressFactory(enrollment=other, lesson=lesson, position_seconds=7, watched_seconds=7)
    if with_progress:
        LessonProgressFactory(
            enrollment=enrollment,
            lesson=lesson,
            position_seconds=120,
            watched_seconds=100,
            completed_at=timezone.now(),
            last_reported_at=timezone.now(),
        )
    expected = _orm_lesson(enrollment, lesson.id)

    row = prepared.lesson_for_learner(lesson_id=lesson.id, enrollment_id=enrollment.id)

    assert row is not None
    assert _values(row.lesson) == _values(expected)
    assert row.lesson._state.db == expected._state.db
    expected_progress = NO_PROGRESS
    if expected.progress_id is not None:
        expected_progress = LessonProgressView(
            expected.progress_position_seconds,
            expected.progress_watched_seconds,
            expected.progress_completed_at,
            expected.progress_last_reported_at,
        )
    assert row.progress == expected_progress
    assert (row.progress is NO_PROGRESS) == (not with_progress)
    assert (row.media_provider, row.media_external_id, row.media_playback_url) == (
        expected.media_provider,
        expected.media_external_id,
        expected.media_playback_url,
    )


def test_no_lesson_reads_none():
    assert prepared.lesson_for_learner(lesson_id=uuid.uuid4(), enrollment_id=uuid.uuid4()) is None
