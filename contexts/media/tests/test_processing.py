"""Processing over the fake Vimeo: media polls (Vimeo sends no webhook) with backoff until the video
is ready or failed, fails it past its deadline, respects Vimeo's rate limit, and never polls one
asset twice at the same time."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from contexts.media import services
from contexts.media.models import Asset
from contexts.media.tests.test_api_uploads import VIDEO, iso
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["media"])

FIELDS = "uri,status,upload.status,transcode.status,is_playable,duration,player_embed_url,pictures.base_link"


@pytest.fixture
def start(coach_client, fake_vimeo):
    """A video upload created at ``start`` (a fixed moment); answers that moment."""
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        assert coach_client.post("/media/uploads", VIDEO, format="json").status_code == 201
    fake_vimeo.requests.clear()
    return moment


def poll_at(moment) -> int:
    with time_machine.travel(moment, tick=False):
        return services.transcode_poll_due()


def test_upload_then_processing_then_ready(start, fake_vimeo):
    asset = Asset.objects.get()
    # nothing is due before the first poll time
    assert poll_at(start + timedelta(seconds=14)) == 0
    assert fake_vimeo.requests == []
    # the browser is still sending: uploading, next poll after 15 s
    assert poll_at(start + timedelta(seconds=15)) == 1
    [get] = fake_vimeo.requests
    assert (get.method, get.path, get.query) == ("GET", "/videos/925926407", {"fields": [FIELDS]})
    asset.refresh_from_db()
    assert (asset.state, asset.next_poll_at) == ("uploading", start + timedelta(seconds=30))
    # Vimeo transcodes: processing, next poll after 30 s
    fake_vimeo.progress("925926407", "transcoding")
    assert poll_at(start + timedelta(seconds=30)) == 1
    asset.refresh_from_db()
    assert (asset.state, asset.next_poll_at) == ("processing", start + timedelta(seconds=60))
    assert published_events(context="media", event_type="media.asset.ready") == []
    # then it is playable: ready, with duration, thumbnail and the player URL (with its hash)
    fake_vimeo.progress("925926407", "available")
    assert poll_at(start + timedelta(seconds=60)) == 1
    asset.refresh_from_db()
    assert asset.state == "ready"
    assert asset.ready_at == start + timedelta(seconds=60)
    assert asset.next_poll_at is None
    assert asset.playback_url == "https://player.vimeo.com/video/925926407?h=fakehash00"
    [ready] = published_events(context="media", event_type="media.asset.ready")
    assert ready["schemaVersion"] == 2  # every consumer (courses) accepts v2, which carries the player URL
    assert ready["payload"] == {
        "assetId": str(asset.id),
        "coachId": str(COACH_ID),
        "kind": "video",
        "provider": "vimeo",
        "externalId": "925926407",
        "durationSeconds": 30,
        "thumbnailUrl": "https://i.vimeocdn.com/video/1819873931-f62a6e2bc9ac123f4a7d0c1bcd4a13c17ee137cd790def4e63e723d0dcb61e53-d",
        "readyAt": iso(start + timedelta(seconds=60)),
        "playbackUrl": "https://player.vimeo.com/video/925926407?h=fakehash00",
    }
    # and it is never polled again
    assert poll_at(start + timedelta(hours=1)) == 0


def test_the_backoff_doubles_up_to_the_maximum(start, fake_vimeo):
    moment = start + timedelta(seconds=15)
    waits = []
    for _ in range(8):
        poll_at(moment)
        following = Asset.objects.get().next_poll_at
        waits.append(int((following - moment).total_seconds()))
        moment = following
    assert waits == [15, 30, 60, 120, 240, 480, 600, 600]


@pytest.mark.parametrize(
    ("state", "reason"),
    [("transcode_error", "Vimeo could not transcode the video."), ("upload_error", "The upload to Vimeo failed.")],
)
def test_a_failed_transcode_fails_the_asset_with_its_reason(start, fake_vimeo, state, reason):
    fake_vimeo.progress("925926407", state)
    poll_at(start + timedelta(seconds=15))
    asset = Asset.objects.get()
    assert (asset.state, asset.failure_reason, asset.next_poll_at) == ("failed", reason, None)
    [failed] = published_events(context="media", event_type="media.asset.failed")
    assert failed["schemaVersion"] == 2
    assert failed["payload"] == {
        "assetId": str(asset.id),
        "coachId": str(COACH_ID),
        "kind": "video",
        "provider": "vimeo",
        "reason": reason,
        "failedAt": iso(start + timedelta(seconds=15)),
    }
    assert published_events(context="media", event_type="media.asset.ready") == []


def test_an_asset_still_processing_at_its_deadline_fails(start, fake_vimeo):
    fake_vimeo.progress("925926407", "transcoding")
    # polls never go past the deadline (6 hours in these tests)
    moment = start + timedelta(seconds=15)
    while Asset.objects.get().state != "failed":
        poll_at(moment)
        moment = Asset.objects.get().next_poll_at or moment
    asset = Asset.objects.get()
    assert asset.failed_at == start + timedelta(hours=6)
    assert asset.failure_reason == "Processing did not finish within 6 hours."
    [failed] = published_events(context="media", event_type="media.asset.failed")
    assert failed["payload"]["reason"] == "Processing did not finish within 6 hours."


def test_a_vimeo_outage_during_processing_is_retried_later(start, fake_vimeo):
    fake_vimeo.fail(503, method="GET")
    poll_at(start + timedelta(seconds=15))
    asset = Asset.objects.get()
    assert (asset.state, asset.next_poll_at) == ("uploading", start + timedelta(seconds=30))
    fake_vimeo.progress("925926407", "available")
    poll_at(start + timedelta(seconds=30))
    assert Asset.objects.get().state == "ready"


def test_a_rate_limited_poll_waits_for_the_reset(start, fake_vimeo):
    reset = start + timedelta(minutes=10)
    fake_vimeo.fail(429, method="GET", headers={"X-RateLimit-Reset": reset.isoformat()})
    poll_at(start + timedelta(seconds=15))
    assert Asset.objects.get().next_poll_at == reset


def test_a_video_vimeo_no_longer_has_fails(start, fake_vimeo):
    del fake_vimeo.videos["925926407"]
    poll_at(start + timedelta(seconds=15))
    asset = Asset.objects.get()
    assert (asset.state, asset.failure_reason) == ("failed", "Vimeo no longer has this video.")


@pytest.mark.django_db(databases=["media"], transaction=True)
def test_one_asset_is_never_polled_twice_at_once(coach_client, fake_vimeo):
    # given a due video and a slow Vimeo
    assert coach_client.post("/media/uploads", VIDEO, format="json").status_code == 201
    Asset.objects.update(next_poll_at=timezone.now() - timedelta(seconds=1))
    fake_vimeo.requests.clear()
    fake_vimeo.slow_get_seconds = 0.3
    polled = []

    def poller():
        try:
            polled.append(services.transcode_poll_due())
        finally:
            connections.close_all()

    # when four pollers run at the same time
    threads = [threading.Thread(target=poller) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then Vimeo was asked once
    assert sorted(polled) == [0, 0, 0, 1]
    assert len(fake_vimeo.calls("GET")) == 1


def test_an_asset_being_polled_is_not_polled_by_the_next_sweep(start, fake_vimeo):
    # given a poller claimed the asset and has not finished (its lease runs 120 s)
    with time_machine.travel(start + timedelta(seconds=15), tick=False):
        assert services.processing._claim(limit=10) == [Asset.objects.get().id]
    # then no other sweep polls it within the lease, and one after it does
    assert poll_at(start + timedelta(seconds=134)) == 0
    assert poll_at(start + timedelta(seconds=135)) == 1


def test_the_coach_portal_says_the_bytes_are_sent_and_media_asks_at_once(coach_client, fake_vimeo, start):
    # given a video polled a few times already (its next poll minutes away)
    upload_id = Asset.objects.get().upload.id
    moment = start + timedelta(seconds=15)
    for _ in range(4):
        poll_at(moment)
        moment = Asset.objects.get().next_poll_at
    assert moment - start == timedelta(seconds=240)
    fake_vimeo.progress("925926407", "transcoding")
    # when the portal says the tus upload finished
    with time_machine.travel(start + timedelta(seconds=200), tick=False):
        response = coach_client.post(f"/media/uploads/{upload_id}/complete")
    # then media asked Vimeo at once, and the backoff starts again
    assert response.status_code == 200
    assert response.json()["state"] == "processing"
    assert len(fake_vimeo.calls("GET")) == 5
    assert Asset.objects.get().next_poll_at == start + timedelta(seconds=215)


def test_another_coach_cannot_complete_an_upload(other_coach_client, fake_vimeo, start):
    upload_id = Asset.objects.get().upload.id
    response = other_coach_client.post(f"/media/uploads/{upload_id}/complete")
    assert response.status_code == 404
    assert response.json()["code"] == "upload_not_found"
    assert fake_vimeo.calls("GET") == []


def test_completing_a_ready_asset_asks_nothing(coach_client, fake_vimeo, start):
    fake_vimeo.progress("925926407", "available")
    poll_at(start + timedelta(seconds=15))
    response = coach_client.post(f"/media/uploads/{Asset.objects.get().upload.id}/complete")
    assert response.json()["state"] == "ready"
    assert len(fake_vimeo.calls("GET")) == 1


def test_a_tus_upload_whose_bytes_never_arrive_fails_when_its_link_expires(start, fake_vimeo):
    # the link lives an hour in these tests; Vimeo still waits for bytes after it
    moment = start + timedelta(seconds=15)
    while Asset.objects.get().state == "uploading":
        poll_at(moment)
        moment = Asset.objects.get().next_poll_at or moment
    asset = Asset.objects.get()
    assert (asset.state, asset.failure_reason) == ("failed", "The upload link expired before the file arrived.")
    assert start + timedelta(hours=1) <= asset.failed_at <= start + timedelta(hours=1, minutes=10)


def test_a_pulled_video_is_not_failed_by_the_link_expiry(coach_client, fake_vimeo):
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        coach_client.post("/media/uploads", {**VIDEO, "sourceUrl": "https://files.example.com/v.mp4"}, format="json")
    poll_at(moment + timedelta(hours=2))
    assert Asset.objects.get().state == "uploading"


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_token_during_processing_does_not_fail_the_asset(start, fake_vimeo, status, settings):
    # given Vimeo refuses our token (revoked, or lacking a scope): the operator's problem, not the video's
    fake_vimeo.fail(status, method="GET")
    poll_at(start + timedelta(seconds=15))
    asset = Asset.objects.get()
    assert (asset.state, asset.next_poll_at) == ("uploading", start + timedelta(seconds=30))
    assert published_events(context="media", event_type="media.asset.failed") == []
    # and once the token works again, processing goes on
    fake_vimeo.progress("925926407", "available")
    poll_at(start + timedelta(seconds=30))
    assert Asset.objects.get().state == "ready"
