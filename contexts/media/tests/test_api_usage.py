"""Usage per asset and storage per coach: a coach sees its own, an admin every coach's."""

import uuid

import pytest

from contexts.media.models import AssetState, AssetUsage, DownloadRedemption
from contexts.media.tests.factories import AssetFactory

pytestmark = pytest.mark.django_db(databases=["media"])


def test_an_asset_without_usage_answers_zeros(coach_client):
    asset = AssetFactory(state=AssetState.READY)
    response = coach_client.get(f"/media/assets/{asset.id}/usage")
    assert response.status_code == 200
    assert response.json() == {
        "assetId": str(asset.id),
        "playsStarted": 0,
        "secondsWatched": 0,
        "completions": 0,
        "downloads": 0,
    }


def test_an_asset_usage_answers_its_counters(coach_client, admin_client):
    asset = AssetFactory(state=AssetState.READY)
    AssetUsage.objects.create(asset=asset, plays_started=7, seconds_watched=3600, completions=2)
    DownloadRedemption.objects.create(asset=asset, nonce="n1", enrollment_id=uuid.uuid4())
    expected = {"assetId": str(asset.id), "playsStarted": 7, "secondsWatched": 3600, "completions": 2, "downloads": 1}
    assert coach_client.get(f"/media/assets/{asset.id}/usage").json() == expected
    assert admin_client.get(f"/media/assets/{asset.id}/usage").json() == expected


def test_another_coachs_usage_answers_404(other_coach_client):
    asset = AssetFactory(state=AssetState.READY)
    response = other_coach_client.get(f"/media/assets/{asset.id}/usage")
    assert response.status_code == 404
    assert response.json()["code"] == "asset_not_found"


@pytest.fixture
def stored(coach_id, other_coach_id):
    AssetFactory(size_bytes=1_000, state=AssetState.READY)
    AssetFactory(size_bytes=2_000, state=AssetState.UPLOADING)
    AssetFactory(size_bytes=4_000, state=AssetState.DELETED)
    AssetFactory(size_bytes=5_000, coach_id=other_coach_id, state=AssetState.READY)


def test_a_coach_sees_its_own_storage(coach_client, coach_id, stored):
    response = coach_client.get("/media/storage")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"coachId": str(coach_id), "storedBytes": 3_000, "quotaBytes": 8_000_000, "assetCount": 2}
    ]
    assert coach_client.get("/media/storage", {"coachId": "nope"}).status_code == 400


def test_a_coach_cannot_see_another_coachs_storage(coach_client, other_coach_id, stored):
    assert coach_client.get("/media/storage", {"coachId": str(other_coach_id)}).json()["results"] == []


def test_an_admin_sees_every_coach_biggest_first(admin_client, coach_id, other_coach_id, stored):
    response = admin_client.get("/media/storage")
    assert response.json()["results"] == [
        {"coachId": str(other_coach_id), "storedBytes": 5_000, "quotaBytes": 8_000_000, "assetCount": 1},
        {"coachId": str(coach_id), "storedBytes": 3_000, "quotaBytes": 8_000_000, "assetCount": 2},
    ]
    only = admin_client.get("/media/storage", {"coachId": str(coach_id)}).json()["results"]
    assert [row["coachId"] for row in only] == [str(coach_id)]


def test_no_token_no_usage(api_client):
    asset = AssetFactory()
    assert api_client.get(f"/media/assets/{asset.id}/usage").status_code == 401
    assert api_client.get("/media/storage").status_code == 401
