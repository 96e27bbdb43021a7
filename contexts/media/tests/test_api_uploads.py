"""Uploads through the API: a video is created at Vimeo for a tus upload, private to the platform's
embed domains, or pulled from a URL; documents and local videos come to media through a single-use,
expiring link. Bad types, sizes and a full quota are refused before any link exists."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contexts.media.models import Asset, AssetState, ProviderMapping, Upload
from contexts.media.tests.conftest import EMBED_DOMAIN
from contexts.media.tests.factories import AssetFactory
from contexts.media.tests.fake_vimeo import ACCESS_TOKEN
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases=["media"])

VIDEO = {"kind": "video", "title": "Module 1 - Lesson 1", "contentType": "video/mp4", "sizeBytes": 1057149}
WORKSHEET = {"kind": "document", "title": "Week 1 worksheet", "contentType": "application/pdf", "sizeBytes": 11}
PDF = b"%PDF-1.4 hi"


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def asset_json(asset: Asset, **overrides) -> dict:
    return {
        "id": str(asset.id),
        "coachId": str(asset.coach_id),
        "kind": asset.kind,
        "title": asset.title,
        "contentType": asset.content_type,
        "sizeBytes": asset.size_bytes,
        "state": asset.state,
        "provider": asset.provider,
        "durationSeconds": asset.duration_seconds,
        "thumbnailUrl": asset.thumbnail_url,
        "playbackUrl": asset.playback_url,
        "failureReason": asset.failure_reason,
        "createdAt": iso(asset.created_at),
        "readyAt": None,
        "failedAt": None,
        "deletedAt": None,
        **overrides,
    }


# --- Vimeo ---------------------------------------------------------------------------------------


def test_a_video_upload_creates_a_private_vimeo_video_and_answers_its_tus_link(coach_client, fake_vimeo):
    moment = timezone.now().replace(microsecond=0)
    # when the coach asks for a video upload
    with time_machine.travel(moment, tick=False):
        response = coach_client.post("/media/uploads", VIDEO, format="json")
    # then Vimeo was asked for a tus upload of that size, hidden on vimeo.com, embeddable on our domain only
    assert response.status_code == 201, response.json()
    create, domain = fake_vimeo.requests
    assert (create.method, create.path) == ("POST", "/me/videos")
    assert create.headers["authorization"] == f"bearer {ACCESS_TOKEN}"
    assert create.headers["accept"] == "application/vnd.vimeo.*+json;version=3.4"
    assert create.body == {
        "upload": {"approach": "tus", "size": 1057149},
        "name": "Module 1 - Lesson 1",
        "privacy": {"view": "disable", "embed": "whitelist", "download": False, "add": False, "comments": "nobody"},
        "embed": {
            "buttons": {"share": False, "embed": False, "like": False, "watchlater": False},
            "logos": {"vimeo": False},
            "title": {"name": "hide", "owner": "hide", "portrait": "hide"},
        },
    }
    assert (domain.method, domain.path) == ("PUT", f"/videos/925926407/privacy/domains/{EMBED_DOMAIN}")
    # and the browser gets Vimeo's tus link: the bytes never pass through us
    asset = Asset.objects.get()
    upload = Upload.objects.get()
    assert response.json() == {
        "id": str(upload.id),
        "approach": "tus",
        "uploadLink": "https://files.tus.vimeo.com/files/vimeo-prod-src-tus-eu/925926407",
        "expiresAt": iso(moment + timedelta(hours=1)),
        "asset": asset_json(asset, state="uploading", provider="vimeo", coachId=str(COACH_ID)),
    }
    assert ProviderMapping.objects.get().external_id == "925926407"
    assert asset.next_poll_at == moment + timedelta(seconds=15)
    assert asset.processing_deadline == moment + timedelta(hours=6)
    [created] = published_events(context="media", event_type="media.asset.created")
    assert created["schemaVersion"] == 2  # every consumer (courses) accepts v2
    assert created["payload"] == {
        "assetId": str(asset.id),
        "coachId": str(COACH_ID),
        "kind": "video",
        "title": "Module 1 - Lesson 1",
        "provider": "vimeo",
        "contentType": "video/mp4",
        "sizeBytes": 1057149,
        "createdAt": iso(moment),
    }


def test_a_video_can_be_pulled_from_a_url(coach_client, fake_vimeo):
    # when the coach asks Vimeo to fetch a video
    response = coach_client.post(
        "/media/uploads", {**VIDEO, "sourceUrl": "https://files.example.com/lesson1.mp4"}, format="json"
    )
    # then Vimeo gets a pull upload and there is no link to send bytes to
    assert response.status_code == 201, response.json()
    assert fake_vimeo.calls("POST")[0].body["upload"] == {
        "approach": "pull",
        "size": 1057149,
        "link": "https://files.example.com/lesson1.mp4",
    }
    assert (response.json()["approach"], response.json()["uploadLink"]) == ("pull", "")


@pytest.mark.parametrize(
    ("status", "code", "expected", "details"),
    [
        (500, "vimeo_unavailable", 503, {"retryable": True}),
        (429, "vimeo_unavailable", 503, {"retryable": True}),
        (403, "vimeo_error", 502, {"retryable": False, "vimeoCode": "5000"}),
    ],
)
def test_a_vimeo_failure_answers_a_clear_error_and_creates_nothing(
    coach_client, fake_vimeo, status, code, expected, details
):
    # given Vimeo fails the creation
    fake_vimeo.fail(status, method="POST", path_prefix="/me/videos")
    # when the coach asks for an upload
    response = coach_client.post("/media/uploads", VIDEO, format="json")
    # then the answer says whether to retry, and nothing exists
    assert response.status_code == expected, response.json()
    assert response.json()["code"] == code
    assert response.json()["details"] == details
    assert Asset.objects.count() == 0
    assert published_events(context="media") == []


def test_a_vimeo_timeout_is_retryable(coach_client, fake_vimeo):
    fake_vimeo.fail(500, method="POST", path_prefix="/me/videos", delay=1.0)  # past the 0.5 s timeout
    response = coach_client.post("/media/uploads", VIDEO, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "vimeo_unavailable"
    assert response["Retry-After"] == "30"
    assert Asset.objects.count() == 0


def test_a_video_whose_privacy_cannot_be_set_is_deleted_at_vimeo(coach_client, fake_vimeo):
    # given Vimeo refuses the domain allow-list
    fake_vimeo.fail(403, method="PUT", path_prefix="/videos/")
    # when the coach asks for an upload
    response = coach_client.post("/media/uploads", VIDEO, format="json")
    # then the half-private video is removed again and no upload exists
    assert response.status_code == 502
    assert [(r.method, r.path) for r in fake_vimeo.requests] == [
        ("POST", "/me/videos"),
        ("PUT", f"/videos/925926407/privacy/domains/{EMBED_DOMAIN}"),
        ("DELETE", "/videos/925926407"),
    ]
    assert Asset.objects.count() == 0


def test_without_a_vimeo_token_uploads_answer_not_configured(coach_client, fake_vimeo, settings):
    settings.VIMEO_ACCESS_TOKEN = ""
    response = coach_client.post("/media/uploads", VIDEO, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "vimeo_not_configured"
    assert fake_vimeo.requests == []


# --- Refused before any link -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code", "field_errors"),
    [
        (
            {**VIDEO, "contentType": "application/pdf"},
            400,
            "content_type_not_allowed",
            {"contentType": ["A video may be one of: video/mp4, video/quicktime, video/webm, video/x-m4v."]},
        ),
        (
            {**VIDEO, "sizeBytes": 5_000_001},
            413,
            "asset_too_large",
            {"sizeBytes": ["A video may have at most 5000000 bytes."]},
        ),
        (
            {**WORKSHEET, "sizeBytes": 1_000_001},
            413,
            "asset_too_large",
            {"sizeBytes": ["A document may have at most 1000000 bytes."]},
        ),
        (
            {**VIDEO, "sizeBytes": 0},
            400,
            "invalid",
            {"sizeBytes": ["Ensure this value is greater than or equal to 1."]},
        ),
    ],
)
def test_a_bad_upload_is_refused_before_vimeo_is_asked(coach_client, fake_vimeo, body, status, code, field_errors):
    response = coach_client.post("/media/uploads", body, format="json")
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert response.json()["fieldErrors"] == field_errors
    assert fake_vimeo.requests == []
    assert Asset.objects.count() == 0
    assert published_events(context="media") == []


def test_the_coach_quota_counts_every_stored_asset_but_deleted_ones(coach_client, fake_vimeo, other_coach_id):
    # given 4 MB stored, 3 MB deleted, and another coach's 5 MB
    AssetFactory(size_bytes=4_000_000, state=AssetState.READY)
    AssetFactory(size_bytes=3_000_000, state=AssetState.DELETED)
    AssetFactory(size_bytes=5_000_000, coach_id=other_coach_id)
    # when the coach asks for 4.5 MB more (quota 8 MB)
    response = coach_client.post("/media/uploads", {**VIDEO, "sizeBytes": 4_500_000}, format="json")
    # then it is refused with the figures
    assert response.status_code == 409
    assert response.json()["code"] == "storage_quota_exceeded"
    assert response.json()["details"] == {"quotaBytes": 8_000_000, "usedBytes": 4_000_000}
    assert fake_vimeo.requests == []
    # and 4 MB fits
    assert coach_client.post("/media/uploads", {**VIDEO, "sizeBytes": 4_000_000}, format="json").status_code == 201


def test_documents_are_not_pulled(coach_client):
    response = coach_client.post(
        "/media/uploads", {**WORKSHEET, "sourceUrl": "https://x.example.com/a.pdf"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "pull_not_supported"


def test_only_coaches_ask_for_uploads(admin_client, api_client):
    assert admin_client.post("/media/uploads", VIDEO, format="json").status_code == 403
    assert api_client.post("/media/uploads", VIDEO, format="json").status_code == 401


# --- Direct uploads: documents and local videos --------------------------------------------------------


def put_bytes(client, link: str, data: bytes, content_type: str):
    return client.generic("PUT", link.replace("https://api.example.com", ""), data, content_type=content_type)


def test_a_document_arrives_through_its_link_and_is_ready_at_once(coach_client, media_settings, tmp_path):
    # given an upload for a worksheet
    upload = coach_client.post("/media/uploads", WORKSHEET, format="json").json()
    asset = Asset.objects.get()
    assert upload["approach"] == "direct"
    assert upload["uploadLink"] == f"https://api.example.com/media/uploads/{upload['id']}/content"
    # when the coach portal sends its bytes
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        response = put_bytes(coach_client, upload["uploadLink"], PDF, "application/pdf")
    # then the file is stored and the asset is ready
    assert response.status_code == 200, response.json()
    asset.refresh_from_db()
    assert response.json() == asset_json(asset, state="ready", provider="storage", readyAt=iso(moment))
    assert (tmp_path / "documents" / str(COACH_ID) / str(asset.id)).read_bytes() == PDF
    [ready] = published_events(context="media", event_type="media.asset.ready")
    assert ready["schemaVersion"] == 2
    assert ready["payload"] == {
        "assetId": str(asset.id),
        "coachId": str(COACH_ID),
        "kind": "document",
        "provider": "storage",
        "externalId": f"documents/{COACH_ID}/{asset.id}",
        "durationSeconds": None,
        "thumbnailUrl": None,
        "playbackUrl": None,
        "readyAt": iso(moment),
    }


def test_an_upload_link_works_once(coach_client):
    upload = coach_client.post("/media/uploads", WORKSHEET, format="json").json()
    assert put_bytes(coach_client, upload["uploadLink"], PDF, "application/pdf").status_code == 200
    # when the link is used again
    response = put_bytes(coach_client, upload["uploadLink"], b"%PDF-1.4 no", "application/pdf")
    # then it is refused
    assert response.status_code == 409
    assert response.json()["code"] == "upload_link_used"


def test_an_upload_link_expires(coach_client, tmp_path, settings):
    settings.MEDIA = {**settings.MEDIA, "UPLOAD_LINK_TTL_SECONDS": 60}
    upload = coach_client.post("/media/uploads", WORKSHEET, format="json").json()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = put_bytes(coach_client, upload["uploadLink"], PDF, "application/pdf")
    assert response.status_code == 409
    assert response.json()["code"] == "upload_link_expired"
    assert not (tmp_path / "documents").exists()
    assert Asset.objects.get().state == "uploading"


@pytest.mark.parametrize(
    ("data", "content_type"), [(PDF + b"!", "application/pdf"), (PDF, "image/png"), (PDF[:-1], "application/pdf")]
)
def test_bytes_that_do_not_match_the_upload_are_refused(coach_client, data, content_type, tmp_path):
    upload = coach_client.post("/media/uploads", WORKSHEET, format="json").json()
    response = put_bytes(coach_client, upload["uploadLink"], data, content_type)
    assert response.status_code == 400
    assert response.json()["code"] == "upload_content_mismatch"
    assert not (tmp_path / "documents").exists()
    # and the link still works with the right bytes
    assert put_bytes(coach_client, upload["uploadLink"], PDF, "application/pdf").status_code == 200


def test_a_tus_upload_takes_no_bytes_at_media(coach_client, fake_vimeo):
    upload = coach_client.post("/media/uploads", VIDEO, format="json").json()
    response = coach_client.generic("PUT", f"/media/uploads/{upload['id']}/content", b"x", content_type="video/mp4")
    assert response.status_code == 409
    assert response.json()["code"] == "upload_not_direct"


def test_a_local_video_is_playable_as_soon_as_its_bytes_arrived(coach_client, tmp_path):
    # given the local provider (the embedded default) and a video upload
    body = {**VIDEO, "sizeBytes": 4}
    upload = coach_client.post("/media/uploads", body, format="json").json()
    assert upload["approach"] == "direct"
    # when the bytes arrive
    response = put_bytes(coach_client, upload["uploadLink"], b"mp4!", "video/mp4")
    # then the video is ready, announced with the local provider
    assert response.status_code == 200
    assert response.json()["state"] == "ready"
    external_id = ProviderMapping.objects.get().external_id
    assert (tmp_path / "videos" / external_id).read_bytes() == b"mp4!"
    [ready] = published_events(context="media", event_type="media.asset.ready")
    assert (ready["schemaVersion"], ready["payload"]["provider"], ready["payload"]["externalId"]) == (
        2,
        "local",
        external_id,
    )
    [created] = published_events(context="media", event_type="media.asset.created")
    assert (created["schemaVersion"], created["payload"]["provider"]) == (2, "local")


def test_the_local_provider_pulls_nothing(coach_client):
    response = coach_client.post("/media/uploads", {**VIDEO, "sourceUrl": "https://x.example.com/v.mp4"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "pull_not_supported"
    assert Asset.objects.count() == 0


def test_another_coach_cannot_send_bytes_to_an_upload(coach_client, other_coach_client, tmp_path):
    upload = coach_client.post("/media/uploads", WORKSHEET, format="json").json()
    response = put_bytes(other_coach_client, upload["uploadLink"], PDF, "application/pdf")
    assert response.status_code == 404
    assert response.json()["code"] == "upload_not_found"
    assert not (tmp_path / "documents").exists()
    unknown = coach_client.generic("PUT", f"/media/uploads/{uuid.uuid4()}/content", PDF, content_type="application/pdf")
    assert unknown.status_code == 404


def test_the_quota_is_checked_again_under_the_coachs_lock(coach_client, fake_vimeo, monkeypatch):
    # given another upload of the coach takes the space while Vimeo is asked (the first check saw none)
    from contexts.media import selectors

    real = selectors.coach_stored_bytes
    calls = []

    def stored_bytes(*, coach_id):
        calls.append(coach_id)
        return 0 if len(calls) == 1 else real(coach_id=coach_id)

    monkeypatch.setattr(selectors, "coach_stored_bytes", stored_bytes)
    AssetFactory(size_bytes=7_000_000, state=AssetState.READY)
    # when the coach's upload of 2 MB is saved
    response = coach_client.post("/media/uploads", {**VIDEO, "sizeBytes": 2_000_000}, format="json")
    # then it is refused, and the video made at Vimeo meanwhile is deleted again
    assert response.status_code == 409
    assert response.json()["code"] == "storage_quota_exceeded"
    assert [(r.method, r.path) for r in fake_vimeo.requests] == [
        ("POST", "/me/videos"),
        ("PUT", f"/videos/925926407/privacy/domains/{EMBED_DOMAIN}"),
        ("DELETE", "/videos/925926407"),
    ]
    assert Asset.objects.count() == 1
    assert published_events(context="media") == []


def test_a_vimeo_rate_limit_says_when_to_come_back(coach_client, fake_vimeo):
    moment = timezone.now().replace(microsecond=0)
    reset = moment + timedelta(seconds=90)
    fake_vimeo.fail(429, method="POST", path_prefix="/me/videos", headers={"X-RateLimit-Reset": reset.isoformat()})
    with time_machine.travel(moment, tick=False):
        response = coach_client.post("/media/uploads", VIDEO, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "vimeo_unavailable"
    assert response["Retry-After"] == "90"
    assert Asset.objects.count() == 0


def test_an_empty_body_is_refused(coach_client):
    upload = coach_client.post("/media/uploads", WORKSHEET, format="json").json()
    response = put_bytes(coach_client, upload["uploadLink"], b"", "application/pdf")
    assert response.status_code == 400
    assert response.json()["code"] == "upload_content_mismatch"
    assert response.json()["details"] == {
        "expectedContentType": "application/pdf",
        "expectedSizeBytes": 11,
        "receivedSizeBytes": 0,
    }
