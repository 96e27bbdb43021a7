"""Signed download links (the format courses signs with, docs/decisions/0006): a document downloads
once within the link's lifetime and names the learner's enrollment; a local video streams within it;
anything else is refused and nothing is counted."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from contexts.media.grants import SALT, STREAM, download_link_sign
from contexts.media.models import DownloadRedemption
from contexts.media.tests.test_api_uploads import PDF, VIDEO, WORKSHEET, put_bytes

pytestmark = pytest.mark.django_db(databases=["media"])

ENROLLMENT_ID = uuid.UUID("e0000000-0000-4000-8000-000000000001")


@pytest.fixture
def worksheet(coach_client):
    upload = coach_client.post("/media/uploads", WORKSHEET, format="json").json()
    assert put_bytes(coach_client, upload["uploadLink"], PDF, "application/pdf").status_code == 200
    return uuid.UUID(upload["asset"]["id"])


def path_of(url: str) -> str:
    assert url.startswith("https://api.example.com/media/downloads/")
    return url.removeprefix("https://api.example.com")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_download_link_works_once_and_names_the_enrollment(api_client, coach_client, worksheet):
    # given a link courses signed for a learner's enrollment
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        url, expires_at = download_link_sign(asset_id=worksheet, enrollment_id=ENROLLMENT_ID)
    assert expires_at == moment + timedelta(minutes=5)
    # when the learner opens it (no token needed: the link is the permission)
    response = api_client.get(path_of(url), HTTP_AUTHORIZATION="Bearer stale")
    # then the file comes as an attachment, never cached by others
    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="week-1-worksheet.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    [redemption] = DownloadRedemption.objects.all()
    assert (redemption.asset_id, redemption.enrollment_id) == (worksheet, ENROLLMENT_ID)
    assert coach_client.get(f"/media/assets/{worksheet}/usage").json()["downloads"] == 1
    # and the same link does not work again
    again = api_client.get(path_of(url))
    assert again.status_code == 403
    assert again.json()["code"] == "download_link_used"
    assert DownloadRedemption.objects.count() == 1


def test_a_download_link_expires(api_client, worksheet):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        url, _ = download_link_sign(asset_id=worksheet, enrollment_id=ENROLLMENT_ID)
        other, _ = download_link_sign(asset_id=worksheet, enrollment_id=ENROLLMENT_ID)
    with time_machine.travel(start + timedelta(seconds=301)):
        response = api_client.get(path_of(url))
    assert response.status_code == 403
    assert response.json()["code"] == "download_link_expired"
    assert DownloadRedemption.objects.count() == 0
    # while a link still in its window works
    with time_machine.travel(start + timedelta(seconds=299)):
        assert api_client.get(path_of(other)).status_code == 200


def test_a_forged_link_is_refused(api_client, worksheet, settings):
    url, _ = download_link_sign(asset_id=worksheet, enrollment_id=ENROLLMENT_ID)
    token = path_of(url).rsplit("/", 1)[1]
    claims = {"a": worksheet.hex, "e": ENROLLMENT_ID.hex, "n": "x", "p": "d"}
    forged = [
        token[:-2] + ("aa" if not token.endswith("aa") else "bb"),  # changed signature
        signing.dumps(claims, key="another-key", salt=SALT),  # another key
        signing.dumps(claims, key=settings.MEDIA["SIGNING_KEY"], salt="nlc.courses.access"),  # another purpose
        signing.dumps({**claims, "p": "x"}, key=settings.MEDIA["SIGNING_KEY"], salt=SALT),  # unknown purpose
        "garbage",
    ]
    for value in forged:
        response = api_client.get(f"/media/downloads/{value}")
        assert response.status_code == 403, value
        assert response.json()["code"] == "download_link_invalid"
    assert DownloadRedemption.objects.count() == 0


def test_a_link_to_an_asset_that_is_not_a_ready_file_answers_404(api_client, coach_client, fake_vimeo, worksheet):
    vimeo_video = uuid.UUID(coach_client.post("/media/uploads", VIDEO, format="json").json()["asset"]["id"])
    pending = uuid.UUID(coach_client.post("/media/uploads", WORKSHEET, format="json").json()["asset"]["id"])
    coach_client.delete(f"/media/assets/{worksheet}")
    for asset_id in (vimeo_video, pending, worksheet, uuid.uuid4()):
        url, _ = download_link_sign(asset_id=asset_id, enrollment_id=ENROLLMENT_ID)
        response = api_client.get(path_of(url))
        assert response.status_code == 404
        assert response.json()["code"] == "asset_not_found"
    assert DownloadRedemption.objects.count() == 0


def test_a_local_video_streams_within_its_window(api_client, coach_client):
    upload = coach_client.post("/media/uploads", {**VIDEO, "sizeBytes": 4}, format="json").json()
    put_bytes(coach_client, upload["uploadLink"], b"mp4!", "video/mp4")
    url, _ = download_link_sign(asset_id=uuid.UUID(upload["asset"]["id"]), enrollment_id=ENROLLMENT_ID, purpose=STREAM)
    for _ in range(2):  # a player reads a stream more than once
        response = api_client.get(path_of(url))
        assert response.status_code == 200
        assert body_of(response) == b"mp4!"
        assert response["Content-Disposition"] == 'inline; filename="module-1-lesson-1.mp4"'
    assert DownloadRedemption.objects.count() == 0


def test_a_storage_failure_answers_503(api_client, worksheet, tmp_path):
    for path in (tmp_path / "documents").rglob("*"):
        if path.is_file():
            path.unlink()
    url, _ = download_link_sign(asset_id=worksheet, enrollment_id=ENROLLMENT_ID)
    response = api_client.get(path_of(url))
    assert response.status_code == 503
    assert response.json()["code"] == "storage_unavailable"
    assert DownloadRedemption.objects.count() == 0  # the link still works once the file is back


def test_an_unused_link_of_a_ready_document_is_not_counted(coach_client, worksheet):
    download_link_sign(asset_id=worksheet, enrollment_id=ENROLLMENT_ID)
    assert coach_client.get(f"/media/assets/{worksheet}/usage").json()["downloads"] == 0


def test_each_link_has_its_own_nonce(worksheet):
    first, _ = download_link_sign(asset_id=worksheet, enrollment_id=ENROLLMENT_ID)
    second, _ = download_link_sign(asset_id=worksheet, enrollment_id=ENROLLMENT_ID)
    assert first != second


def test_a_link_signed_as_the_decision_record_says_works(api_client, worksheet, settings):
    # given a token built the way courses builds it (docs/decisions/0006), without media's helper
    token = signing.dumps(
        {"a": worksheet.hex, "e": ENROLLMENT_ID.hex, "n": "courses-nonce-0001", "p": "d"},
        key=settings.MEDIA["SIGNING_KEY"],
        salt="nlc.media.download",
    )
    # when it is opened, then it downloads, naming the enrollment
    response = api_client.get(f"/media/downloads/{token}")
    assert response.status_code == 200
    assert body_of(response) == PDF
    assert DownloadRedemption.objects.get().enrollment_id == ENROLLMENT_ID


def test_a_download_costs_the_asset_read_and_the_use_and_touches_no_other_context(
    api_client, worksheet, context_queries
):
    url, _ = download_link_sign(asset_id=worksheet, enrollment_id=ENROLLMENT_ID)
    # the asset with its provider id; the use in a savepoint (its own transaction in a request)
    with context_queries("media", at_most=4):
        response = api_client.get(path_of(url))
    assert response.status_code == 200
