"""A coach's video becomes playable in a lesson: media (over the fake Vimeo) -> RabbitMQ -> courses.

The coach uploads through the media API, builds the lesson through the courses API naming the asset,
media's poll (the beat task) finds the video transcoded, and ``media.asset.ready`` travels over real
RabbitMQ to courses, which makes the lesson playable for a learner; ``media.asset.deleted`` then
takes it away again.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contexts.media import tasks as media_tasks
from contexts.media.tests.fake_vimeo import ACCESS_TOKEN, FakeVimeo


@pytest.fixture
def fake_vimeo(settings):
    fake = FakeVimeo().start()
    settings.VIMEO_ACCESS_TOKEN = ACCESS_TOKEN
    settings.VIMEO_API_BASE = fake.url
    settings.MEDIA = {**settings.MEDIA, "VIDEO_PROVIDER": "vimeo", "EMBED_DOMAINS": ["learn.example.com"]}
    yield fake
    fake.stop()


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_transcoded_video_makes_its_lesson_playable(settings, event_bus, principal_client, api_client, fake_vimeo):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    # given a coach's video upload at media, still at Vimeo
    coach_id = uuid.uuid4()
    coach = principal_client(role="coach", user_id=coach_id, email="coach@example.com")
    upload = coach.post(
        "/media/uploads",
        {"kind": "video", "title": "Warm-up", "contentType": "video/mp4", "sizeBytes": 1057149},
        format="json",
    )
    assert upload.status_code == 201, upload.content
    asset_id = upload.json()["asset"]["id"]
    # and a published course whose video lesson names it, and a learner in it
    course = coach.post("/courses/courses", {"title": "Strength 101"}).json()
    module = coach.post(f"/courses/courses/{course['id']}/modules", {"title": "Week 1"}).json()
    lesson = coach.post(
        f"/courses/modules/{module['id']}/lessons", {"title": "Warm-up", "kind": "video", "mediaAssetId": asset_id}
    ).json()
    assert lesson["mediaState"] == "pending"
    assert coach.post(f"/courses/courses/{course['id']}/publish").status_code == 200
    granted = coach.post(f"/courses/courses/{course['id']}/enrollments", {"email": "learner@example.com"})
    assert granted.status_code == 201, granted.content
    event_bus.settle()
    (created,) = event_bus.events("courses.enrollment.created")
    learner_token = created["payload"]["accessUrl"].rsplit("/", 1)[1]

    # when Vimeo has transcoded it and media's poll comes round
    fake_vimeo.progress("925926407", "available")
    start = timezone.now()
    with time_machine.travel(start + timedelta(seconds=20)):
        assert media_tasks.transcode_poll_due() == 1
    event_bus.settle()

    # then media.asset.ready travelled over RabbitMQ and courses made the lesson playable
    (ready,) = event_bus.events("media.asset.ready")
    assert (ready["payload"]["assetId"], ready["payload"]["externalId"]) == (asset_id, "925926407")
    coach_view = coach.get(f"/courses/lessons/{lesson['id']}").json()
    assert (coach_view["mediaState"], coach_view["durationSeconds"]) == ("ready", 30)
    api_client.credentials(HTTP_AUTHORIZATION=f"AccessLink {learner_token}")
    learner_view = api_client.get(f"/courses/learn/lessons/{lesson['id']}")
    assert learner_view.status_code == 200, learner_view.content
    assert (learner_view.json()["mediaAssetId"], learner_view.json()["mediaState"]) == (asset_id, "ready")

    # and when the coach deletes the video, the lesson loses it
    with time_machine.travel(start + timedelta(seconds=40)):
        assert coach.delete(f"/media/assets/{asset_id}").json()["state"] == "deleted"
    event_bus.settle()
    assert coach.get(f"/courses/lessons/{lesson['id']}").json()["mediaState"] == "deleted"


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_failed_transcode_marks_its_lesson_failed(settings, event_bus, principal_client, fake_vimeo):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    # given a coach's video lesson whose video Vimeo cannot transcode
    coach = principal_client(role="coach", user_id=uuid.uuid4(), email="coach@example.com")
    asset_id = coach.post(
        "/media/uploads",
        {"kind": "video", "title": "Warm-up", "contentType": "video/mp4", "sizeBytes": 1057149},
        format="json",
    ).json()["asset"]["id"]
    course = coach.post("/courses/courses", {"title": "Strength 101"}).json()
    module = coach.post(f"/courses/courses/{course['id']}/modules", {"title": "Week 1"}).json()
    lesson = coach.post(
        f"/courses/modules/{module['id']}/lessons", {"title": "Warm-up", "kind": "video", "mediaAssetId": asset_id}
    ).json()
    fake_vimeo.progress("925926407", "transcode_error")
    # when media's poll finds it
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):
        assert media_tasks.transcode_poll_due() == 1
    event_bus.settle()
    # then courses shows the lesson's media as failed
    (failed,) = event_bus.events("media.asset.failed")
    assert failed["payload"]["reason"] == "Vimeo could not transcode the video."
    assert coach.get(f"/courses/lessons/{lesson['id']}").json()["mediaState"] == "failed"
