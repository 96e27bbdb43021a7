"""A learner's playback ends in the asset's usage: courses -> RabbitMQ -> media.

The coach's Vimeo video is ready (media.asset.ready reaches courses), a lesson names it; the learner
starts it, reports the seconds watched and watches it to its threshold. Each report is
courses.progress.updated v2 naming the asset; media counts plays, seconds and the completion, and
the coach reads them at ``GET /media/assets/<id>/usage``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contexts.media import tasks as media_tasks
from contexts.media.tests.fake_vimeo import ACCESS_TOKEN, FakeVimeo

VIDEO = {"kind": "video", "title": "Warm-up", "contentType": "video/mp4", "sizeBytes": 1057149}


@pytest.fixture
def fake_vimeo(settings):
    fake = FakeVimeo().start()
    settings.VIMEO_ACCESS_TOKEN = ACCESS_TOKEN
    settings.VIMEO_API_BASE = fake.url
    settings.MEDIA = {**settings.MEDIA, "VIDEO_PROVIDER": "vimeo", "EMBED_DOMAINS": ["learn.example.com"]}
    yield fake
    fake.stop()


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_learners_playback_reports_end_in_the_assets_usage(
    settings, event_bus, principal_client, api_client, fake_vimeo
):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    # given a coach's video, ready at Vimeo (30 seconds), named by a lesson of a published course
    coach = principal_client(role="coach", user_id=uuid.uuid4(), email="coach@example.com")
    video = coach.post("/media/uploads", VIDEO, format="json").json()
    asset_id = video["asset"]["id"]
    course = coach.post("/courses/courses", {"title": "Strength 101"}).json()
    module = coach.post(f"/courses/courses/{course['id']}/modules", {"title": "Week 1"}).json()
    lesson = coach.post(
        f"/courses/modules/{module['id']}/lessons", {"title": "Warm-up", "kind": "video", "mediaAssetId": asset_id}
    ).json()
    coach.post(f"/courses/modules/{module['id']}/lessons", {"title": "Notes", "kind": "text"})
    assert coach.post(f"/courses/courses/{course['id']}/publish").status_code == 200
    assert (
        coach.post(f"/courses/courses/{course['id']}/enrollments", {"email": "learner@example.com"}).status_code == 201
    )
    fake_vimeo.progress("925926407", "available")
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):
        assert media_tasks.transcode_poll_due() == 1
    event_bus.settle()
    (created,) = event_bus.events("courses.enrollment.created")
    api_client.credentials(HTTP_AUTHORIZATION=f"AccessLink {created['payload']['accessUrl'].rsplit('/', 1)[1]}")
    playback = f"/courses/learn/lessons/{lesson['id']}/playback"
    progress = f"/courses/learn/lessons/{lesson['id']}/progress"

    # when the learner starts the video, reports 40 then 25 seconds, starts it again and watches it to its threshold
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert api_client.post(playback, {"event": "started", "secondsWatched": 0}, format="json").status_code == 204
        assert api_client.post(playback, {"event": "progress", "secondsWatched": 40}, format="json").status_code == 204
        assert api_client.post(playback, {"event": "progress", "secondsWatched": 25}, format="json").status_code == 204
        assert api_client.post(playback, {"event": "started", "secondsWatched": 0}, format="json").status_code == 204
        for position in (10, 20, 30):
            traveller.shift(timedelta(seconds=10))
            answer = api_client.post(progress, {"positionSeconds": position, "watchedFromSeconds": position - 10})
            assert answer.status_code == 200, answer.content
        assert answer.json()["completed"] is True
    event_bus.settle()

    # then five progress.updated v2 name the asset, and media counted them
    reports = [event for event in event_bus.events("courses.progress.updated") if event["payload"]["assetId"]]
    assert [(e["schemaVersion"], e["payload"]["lessonCompleted"]) for e in reports] == [(2, False)] * 4 + [(2, True)]
    assert coach.get(f"/media/assets/{asset_id}/usage").json() == {
        "assetId": asset_id,
        "playsStarted": 2,
        "secondsWatched": 65,
        "completions": 1,
        "downloads": 0,
    }
