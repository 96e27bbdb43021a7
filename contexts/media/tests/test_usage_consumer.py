"""Media counts each asset's usage from courses.progress.updated (v2 names the asset, v1 does not)."""

import uuid

import pytest

from contexts.media.models import AssetState, AssetUsage
from contexts.media.tests.factories import AssetFactory
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["media"])

ENROLLMENT_ID = uuid.UUID("e0000000-0000-4000-8000-0000000000e1")


def progress(envelope, asset_id, *, coach_id=COACH_ID, started=False, seconds=0, completed=False, version=2) -> dict:
    payload = {
        "enrollmentId": str(ENROLLMENT_ID),
        "courseId": str(uuid.uuid4()),
        "clientId": str(uuid.uuid4()),
        "coachId": str(coach_id),
        "lessonId": str(uuid.uuid4()),
        "completedLessons": int(completed),
        "totalLessons": 2,
        "progressPercent": 50 if completed else 0,
        "updatedAt": "2026-12-01T10:00:00Z",
    }
    if version == 2:
        payload |= {
            "assetId": str(asset_id) if asset_id else None,
            "playStarted": started,
            "secondsWatched": seconds,
            "lessonCompleted": completed,
        }
    return envelope("courses.progress.updated", payload, version=version)


def _counters(asset) -> tuple[int, int, int]:
    usage = AssetUsage.objects.get(asset=asset)
    return usage.plays_started, usage.seconds_watched, usage.completions


def test_v2_reports_add_to_their_assets_usage(envelope, deliver_event, coach_client):
    # given a coach's ready video
    video = AssetFactory(state=AssetState.READY)
    # when a learner starts it twice, watches 40 then 25 seconds, and completes its lesson
    for event in (
        progress(envelope, video.id, started=True),
        progress(envelope, video.id, seconds=40),
        progress(envelope, video.id, started=True),
        progress(envelope, video.id, seconds=25),
        progress(envelope, video.id, completed=True),
    ):
        deliver_event("media", event)
    # then its counters say so, and the usage endpoint shows them
    assert _counters(video) == (2, 65, 1)
    assert coach_client.get(f"/media/assets/{video.id}/usage").json() == {
        "assetId": str(video.id),
        "playsStarted": 2,
        "secondsWatched": 65,
        "completions": 1,
        "downloads": 0,
    }


def test_an_event_delivered_twice_counts_once(envelope, deliver_event):
    video = AssetFactory(state=AssetState.READY)
    event = progress(envelope, video.id, started=True, seconds=30)
    deliver_event("media", event)
    deliver_event("media", event)
    assert _counters(video) == (1, 30, 0)


def test_v1_and_reports_without_an_asset_count_nothing(envelope, deliver_event):
    video = AssetFactory(state=AssetState.READY)
    deliver_event("media", progress(envelope, video.id, version=1, completed=True))
    deliver_event("media", progress(envelope, None, started=True, seconds=30, completed=True))
    assert AssetUsage.objects.count() == 0


def test_another_coachs_asset_and_an_unknown_one_are_left_alone(envelope, deliver_event, caplog):
    # given another coach's video
    other_coach = uuid.uuid4()
    theirs = AssetFactory(state=AssetState.READY, coach_id=other_coach)
    unknown = uuid.uuid4()
    # when reports of COACH_ID's learners name it, or an asset media never held
    deliver_event("media", progress(envelope, theirs.id, started=True, seconds=30, completed=True))
    deliver_event("media", progress(envelope, unknown, started=True))
    # then nothing is counted, and each is logged
    assert AssetUsage.objects.count() == 0
    ignored = [record.getMessage() for record in caplog.records if record.name == "contexts.media.services.usage"]
    assert ignored == [
        f"media usage: no asset {theirs.id} of coach {COACH_ID}, report ignored",
        f"media usage: no asset {unknown} of coach {COACH_ID}, report ignored",
    ]
    # and the coach's own reports still count
    deliver_event("media", progress(envelope, theirs.id, coach_id=other_coach, started=True))
    assert _counters(theirs) == (1, 0, 0)
