"""Deleting an asset deletes it at its provider, retried until the provider confirms; only then
media.asset.deleted is published."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contexts.media import services
from contexts.media.models import Asset
from contexts.media.tests.test_api_uploads import PDF, VIDEO, WORKSHEET, iso, put_bytes
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["media"])


def test_deleting_a_video_deletes_it_at_vimeo(coach_client, fake_vimeo):
    upload = coach_client.post("/media/uploads", VIDEO, format="json").json()
    asset_id = upload["asset"]["id"]
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        response = coach_client.delete(f"/media/assets/{asset_id}")
    assert response.status_code == 202
    assert (response.json()["state"], response.json()["deletedAt"]) == ("deleted", iso(moment))
    assert [(r.method, r.path) for r in fake_vimeo.calls("DELETE")] == [("DELETE", "/videos/925926407")]
    [deleted] = published_events(context="media", event_type="media.asset.deleted")
    assert deleted["payload"] == {
        "assetId": asset_id,
        "coachId": str(COACH_ID),
        "kind": "video",
        "deletedAt": iso(moment),
    }
    # and deleting again changes nothing
    assert coach_client.delete(f"/media/assets/{asset_id}").json()["state"] == "deleted"
    assert len(fake_vimeo.calls("DELETE")) == 1
    assert len(published_events(context="media", event_type="media.asset.deleted")) == 1


def test_a_deletion_is_retried_until_vimeo_confirms(coach_client, fake_vimeo):
    # given Vimeo fails the first three deletions (an outage, a timeout, a throttle)
    asset_id = coach_client.post("/media/uploads", VIDEO, format="json").json()["asset"]["id"]
    fake_vimeo.fail(503, method="DELETE", times=2)
    fake_vimeo.fail(429, method="DELETE", times=1)
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        response = coach_client.delete(f"/media/assets/{asset_id}")
    # then the asset waits in "deleting", nothing is announced
    assert response.status_code == 202
    assert response.json()["state"] == "deleting"
    assert published_events(context="media", event_type="media.asset.deleted") == []
    # and the retries follow the backoff (60 s, 120 s, 240 s) until Vimeo confirms
    moments = [start + timedelta(seconds=60), start + timedelta(seconds=180), start + timedelta(seconds=420)]
    for moment in moments:
        with time_machine.travel(moment - timedelta(seconds=1), tick=False):
            assert services.deletion_retry_due() == 0
        with time_machine.travel(moment, tick=False):
            assert services.deletion_retry_due() == 1
    asset = Asset.objects.get()
    assert (asset.state, asset.delete_attempts, asset.last_provider_error) == ("deleted", 3, "")
    assert len(fake_vimeo.calls("DELETE")) == 4
    assert len(published_events(context="media", event_type="media.asset.deleted")) == 1


def test_a_video_vimeo_no_longer_has_counts_as_deleted(coach_client, fake_vimeo):
    asset_id = coach_client.post("/media/uploads", VIDEO, format="json").json()["asset"]["id"]
    del fake_vimeo.videos["925926407"]
    assert coach_client.delete(f"/media/assets/{asset_id}").json()["state"] == "deleted"


def test_a_deleted_asset_is_no_longer_polled(coach_client, fake_vimeo):
    asset_id = coach_client.post("/media/uploads", VIDEO, format="json").json()["asset"]["id"]
    coach_client.delete(f"/media/assets/{asset_id}")
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert services.transcode_poll_due() == 0
    assert fake_vimeo.calls("GET") == []


def test_deleting_a_document_removes_its_file(coach_client, tmp_path):
    upload = coach_client.post("/media/uploads", WORKSHEET, format="json").json()
    put_bytes(coach_client, upload["uploadLink"], PDF, "application/pdf")
    response = coach_client.delete(f"/media/assets/{upload['asset']['id']}")
    assert response.json()["state"] == "deleted"
    assert list((tmp_path / "documents" / str(COACH_ID)).iterdir()) == []


def test_a_rate_limited_deletion_waits_for_the_reset(coach_client, fake_vimeo):
    asset_id = coach_client.post("/media/uploads", VIDEO, format="json").json()["asset"]["id"]
    start = timezone.now().replace(microsecond=0)
    reset = start + timedelta(minutes=15)
    fake_vimeo.fail(429, method="DELETE", headers={"X-RateLimit-Reset": reset.isoformat()})
    with time_machine.travel(start, tick=False):
        assert coach_client.delete(f"/media/assets/{asset_id}").json()["state"] == "deleting"
    assert Asset.objects.get().next_delete_at == reset
    with time_machine.travel(reset, tick=False):
        assert services.deletion_retry_due() == 1
    assert Asset.objects.get().state == "deleted"
