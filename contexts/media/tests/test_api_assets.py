"""Reading and deleting assets: a coach reaches its own only (another coach's ids answer 404 on
every endpoint), an admin reaches all."""

import uuid

import pytest

from contexts.media.models import Asset, AssetState
from contexts.media.tests.factories import AssetFactory, ProviderMappingFactory
from contexts.media.tests.test_api_uploads import asset_json
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["media"])


@pytest.fixture
def assets(other_coach_id):
    mine = [
        AssetFactory(title="Intro", state=AssetState.READY),
        AssetFactory(title="Worksheet", kind="document", content_type="application/pdf", provider="storage"),
    ]
    theirs = AssetFactory(title="Olga's", coach_id=other_coach_id)
    return mine, theirs


def test_a_coach_lists_its_own_assets_newest_first(coach_client, assets):
    mine, _ = assets
    response = coach_client.get("/media/assets")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(mine[1].id), str(mine[0].id)]
    assert response.json()["results"][1] == asset_json(mine[0])


def test_assets_filter_by_state_and_kind(coach_client, assets):
    mine, _ = assets
    ready = coach_client.get("/media/assets", {"state": "ready"}).json()["results"]
    documents = coach_client.get("/media/assets", {"kind": "document"}).json()["results"]
    assert [row["id"] for row in ready] == [str(mine[0].id)]
    assert [row["id"] for row in documents] == [str(mine[1].id)]
    assert coach_client.get("/media/assets", {"state": "nope"}).status_code == 400


def test_an_admin_sees_every_coach_and_filters_by_coach(admin_client, assets, other_coach_id):
    _, theirs = assets
    assert admin_client.get("/media/assets").json()["count"] == 3
    rows = admin_client.get("/media/assets", {"coachId": str(other_coach_id)}).json()["results"]
    assert [row["id"] for row in rows] == [str(theirs.id)]
    assert admin_client.get(f"/media/assets/{theirs.id}").json() == asset_json(theirs)


def test_a_coach_reads_its_asset(coach_client, assets):
    mine, _ = assets
    assert coach_client.get(f"/media/assets/{mine[0].id}").json() == asset_json(mine[0])


@pytest.mark.parametrize("method", ["get", "delete"])
def test_another_coachs_asset_answers_404_and_stays(coach_client, assets, method):
    _, theirs = assets
    response = getattr(coach_client, method)(f"/media/assets/{theirs.id}")
    assert response.status_code == 404
    assert response.json()["code"] == "asset_not_found"
    assert Asset.objects.get(id=theirs.id).state == "uploading"
    assert published_events(context="media") == []


def test_an_unknown_asset_answers_404(coach_client):
    assert coach_client.get(f"/media/assets/{uuid.uuid4()}").json()["code"] == "asset_not_found"


def test_an_admin_deletes_any_asset(admin_client, other_coach_id):
    asset = ProviderMappingFactory(asset__coach_id=other_coach_id, asset__provider="local").asset
    response = admin_client.delete(f"/media/assets/{asset.id}")
    assert response.status_code == 202
    assert response.json()["state"] == "deleted"


def test_no_token_no_assets(api_client, assets):
    mine, _ = assets
    assert api_client.get("/media/assets").status_code == 401
    assert api_client.get(f"/media/assets/{mine[0].id}").status_code == 401


def test_a_page_of_assets_costs_the_same_queries_as_one(coach_client, context_queries):
    AssetFactory()
    with context_queries("media", at_most=2) as one:
        assert coach_client.get("/media/assets").json()["count"] == 1
    AssetFactory.create_batch(29)
    with context_queries("media", at_most=2) as many:
        assert coach_client.get("/media/assets").json()["count"] == 30
    assert len(many.captured_queries) == len(one.captured_queries)
