"""Media's copy of coaches (auth.user.created) and its demo worksheet."""

import uuid
from io import StringIO

import pytest

from contexts.media import demo
from contexts.media.models import Asset, Coach

pytestmark = pytest.mark.django_db(databases=["media"])

COACH_ID = uuid.UUID("c0ac0000-0000-4000-8000-00000000d3e0")


def user_created(envelope, *, role: str, email: str = "Coach@Demo.NextLevelCoach.test") -> dict:
    return envelope(
        "auth.user.created",
        {
            "userId": str(COACH_ID),
            "email": email,
            "firstName": "Cory",
            "lastName": "Coach",
            "role": role,
            "coachId": str(COACH_ID) if role == "coach" else None,
            "createdAt": "2026-12-01T10:00:00Z",
            "signupMethod": "password",
        },
    )


def test_a_coach_created_at_auth_is_copied_once(envelope, deliver_event):
    event = user_created(envelope, role="coach")
    deliver_event("media", event)
    deliver_event("media", event)
    assert list(Coach.objects.values_list("id", "email")) == [(COACH_ID, "coach@demo.nextlevelcoach.test")]


def test_an_admin_is_not_copied(envelope, deliver_event):
    deliver_event("media", user_created(envelope, role="admin"))
    assert Coach.objects.count() == 0


def test_the_demo_video_and_worksheet_are_ready_files_of_the_demo_coach(tmp_path):
    # given media's copy of the demo coach
    Coach.objects.create(id=COACH_ID, email=demo.DEMO_COACH_EMAIL)
    out = StringIO()
    # when the demo data is loaded twice
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    # then one ready local video exists, under the id the courses demo names, with the MP4 clip
    video = Asset.objects.get(kind="video")
    assert (video.id, video.coach_id, video.provider, video.state, video.duration_seconds) == (
        uuid.uuid5(uuid.NAMESPACE_URL, "https://nextlevelcoach.ai/demo/media/welcome-video"),
        COACH_ID,
        "local",
        "ready",
        6,
    )
    clip = (tmp_path / "videos" / video.id.hex).read_bytes()
    assert clip[4:8] == b"ftyp"
    assert video.size_bytes == len(clip)
    # and one ready worksheet, with a real PDF
    asset = Asset.objects.get(kind="document")
    assert (asset.id, asset.coach_id, asset.kind, asset.state) == (
        uuid.uuid5(uuid.NAMESPACE_URL, "https://nextlevelcoach.ai/demo/media/workbook"),
        COACH_ID,
        "document",
        "ready",
    )
    content = (tmp_path / "documents" / str(COACH_ID) / str(asset.id)).read_bytes()
    assert content.startswith(b"%PDF-1.4\n")
    assert content.endswith(b"%%EOF\n")
    assert asset.size_bytes == len(content)
    xref = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert content[xref:].startswith(b"xref\n")
    assert out.getvalue() == (
        f"  created demo video: Welcome video (media asset {video.id})"
        f"  created demo worksheet: Momentum workbook (media asset {asset.id})"
        "  demo worksheet exists: Momentum workbook"
    )


@pytest.mark.django_db(databases="__all__")
def test_without_the_demo_coach_there_is_no_worksheet():
    out = StringIO()
    demo.seed(stdout=out)
    assert Asset.objects.count() == 0
    assert "no copy of the demo coach" in out.getvalue()
