"""A learner plays and downloads a lesson's media: media -> RabbitMQ -> courses, and back through a signed link.

The coach uploads a worksheet (and a Vimeo video) through the media API and names them in lessons;
``media.asset.ready`` (v2) travels over real RabbitMQ to courses, which keeps the provider, its id
and the player URL. A learner with an active enrollment reads the lessons: the video's playback is
Vimeo's player URL with its privacy hash, the worksheet's a link signed on read for the enrollment,
which media serves once, not twice, and not after it expires. A revoked learner gets 403 and no link.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contexts.media import tasks as media_tasks
from contexts.media.tests.fake_vimeo import ACCESS_TOKEN, FakeVimeo

BASE_URL = "https://api.example.com"
PDF = b"%PDF-1.4 the worksheet"
WORKSHEET = {"kind": "document", "title": "Week 1 worksheet", "contentType": "application/pdf", "sizeBytes": len(PDF)}
VIDEO = {"kind": "video", "title": "Warm-up", "contentType": "video/mp4", "sizeBytes": 1057149}


@pytest.fixture
def media_settings(settings, tmp_path):
    settings.MEDIA = {
        **settings.MEDIA,
        "PUBLIC_BASE_URL": BASE_URL,
        "SIGNING_KEY": "playback-tests-signing-key",
        "DOWNLOAD_LINK_TTL_SECONDS": 300,
        "EMBED_DOMAINS": ["learn.example.com"],
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return settings.MEDIA


@pytest.fixture
def fake_vimeo(settings, media_settings):
    fake = FakeVimeo().start()
    settings.VIMEO_ACCESS_TOKEN = ACCESS_TOKEN
    settings.VIMEO_API_BASE = fake.url
    settings.MEDIA = {**settings.MEDIA, "VIDEO_PROVIDER": "vimeo"}
    yield fake
    fake.stop()


def _lesson(coach, module_id: str, **fields) -> dict:
    created = coach.post(f"/courses/modules/{module_id}/lessons", fields)
    assert created.status_code == 201, created.content
    return created.json()


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_learner_plays_the_video_and_downloads_the_worksheet_once_in_its_window(
    settings, event_bus, principal_client, api_client, fake_vimeo
):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    # given a coach's worksheet (stored at once) and video (at Vimeo) at media
    coach = principal_client(role="coach", user_id=uuid.uuid4(), email="coach@example.com")
    worksheet = coach.post("/media/uploads", WORKSHEET, format="json").json()
    stored = coach.generic("PUT", worksheet["uploadLink"].removeprefix(BASE_URL), PDF, content_type="application/pdf")
    assert stored.status_code == 200, stored.content
    video = coach.post("/media/uploads", VIDEO, format="json").json()
    # and a published course with a video lesson and a download lesson naming them, and a learner in it
    course = coach.post("/courses/courses", {"title": "Strength 101"}).json()
    module = coach.post(f"/courses/courses/{course['id']}/modules", {"title": "Week 1"}).json()
    video_lesson = _lesson(coach, module["id"], title="Warm-up", kind="video", mediaAssetId=video["asset"]["id"])
    download_lesson = _lesson(
        coach, module["id"], title="Worksheet", kind="download", mediaAssetId=worksheet["asset"]["id"]
    )
    assert coach.post(f"/courses/courses/{course['id']}/publish").status_code == 200
    granted = coach.post(f"/courses/courses/{course['id']}/enrollments", {"email": "learner@example.com"})
    assert granted.status_code == 201, granted.content
    enrollment_id = granted.json()["id"]
    # when Vimeo has transcoded the video and media's poll comes round
    fake_vimeo.progress("925926407", "available")
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):
        assert media_tasks.transcode_poll_due() == 1
    event_bus.settle()
    # then both assets' ready events (v2) reached courses over RabbitMQ
    ready = {event["payload"]["assetId"]: event for event in event_bus.events("media.asset.ready")}
    assert {event["schemaVersion"] for event in ready.values()} == {2}
    assert set(ready) == {worksheet["asset"]["id"], video["asset"]["id"]}
    (created,) = event_bus.events("courses.enrollment.created")
    api_client.credentials(HTTP_AUTHORIZATION=f"AccessLink {created['payload']['accessUrl'].rsplit('/', 1)[1]}")

    # the video plays through Vimeo's player URL with its privacy hash
    played = api_client.get(f"/courses/learn/lessons/{video_lesson['id']}").json()
    assert played["mediaState"] == "ready"
    assert played["playback"] == {
        "type": "embed",
        "url": "https://player.vimeo.com/video/925926407?h=fakehash00",
        "expiresAt": None,
    }

    # the worksheet: a link signed for the enrollment, five minutes long
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        answer = api_client.get(f"/courses/learn/lessons/{download_lesson['id']}").json()["playback"]
    assert answer["type"] == "download"
    assert answer["expiresAt"] == (moment + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    assert answer["url"].startswith(f"{BASE_URL}/media/downloads/")
    link = answer["url"].removeprefix(BASE_URL)
    downloaded = api_client.get(link)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == PDF
    assert downloaded["Content-Disposition"] == 'attachment; filename="week-1-worksheet.pdf"'
    # once: the same link again is refused
    again = api_client.get(link)
    assert (again.status_code, again.json()["code"]) == (403, "download_link_used")
    # and a fresh link not used in its five minutes is refused after them
    fresh = api_client.get(f"/courses/learn/lessons/{download_lesson['id']}").json()["playback"]["url"]
    assert fresh != answer["url"]
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        late = api_client.get(fresh.removeprefix(BASE_URL))
    assert (late.status_code, late.json()["code"]) == (403, "download_link_expired")
    # media counted the one download, for the learner's enrollment
    assert coach.get(f"/media/assets/{worksheet['asset']['id']}/usage").json()["downloads"] == 1

    # when the coach revokes the learner: 403 and no link
    assert coach.post(f"/courses/enrollments/{enrollment_id}/revoke").status_code == 200
    refused = api_client.get(f"/courses/learn/lessons/{download_lesson['id']}")
    assert refused.status_code == 403
    assert "playback" not in refused.json()
    assert "/media/downloads/" not in refused.content.decode()
