"""Development demo data: the demo coach's welcome video (a six-second test pattern with a tone,
H.264/AAC in `demo_files/welcome.mp4`, played by the local provider) and worksheet (a real PDF) for
the demo course's video and download lessons, in the media storage (scripts/dev runs seed_demo).

Media never reads auth's tables: it knows the demo coach from its own copy of coaches, fed by
auth.user.created (auth's demo data runs first, and the inline bus delivers its events at once); a
database made before media kept that copy gets it by replaying auth.user.created to media. The asset
id is the one the courses demo's lesson names. Like the courses demo, which marks the asset ready
itself, this writes the rows directly and publishes nothing.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from contexts.media.models import Asset, AssetKind, AssetState, Coach, ProviderMapping
from contexts.media.providers.files import file_save
from contexts.media.providers.local import LocalVideoProvider
from contexts.media.services.uploads import STORAGE_PROVIDER, storage_name_of
from nlc.demo import events_replay_to

DEMO_COACH_EMAIL = "coach@demo.nextlevelcoach.test"
# The ids the courses demo's lessons name (the same derivation, so neither context imports the other).
DEMO_WORKBOOK_ASSET_ID = uuid.uuid5(uuid.NAMESPACE_URL, "https://nextlevelcoach.ai/demo/media/workbook")
DEMO_WORKBOOK_TITLE = "Momentum workbook"
DEMO_VIDEO_ASSET_ID = uuid.uuid5(uuid.NAMESPACE_URL, "https://nextlevelcoach.ai/demo/media/welcome-video")
DEMO_VIDEO_TITLE = "Welcome video"
DEMO_VIDEO_FILE = Path(__file__).resolve().parent / "demo_files" / "welcome.mp4"
DEMO_VIDEO_SECONDS = 6


def _demo_coach() -> Coach | None:
    coach = Coach.objects.filter(email=DEMO_COACH_EMAIL).first()
    if coach is None and events_replay_to(context="media", event_type="auth.user.created"):
        coach = Coach.objects.filter(email=DEMO_COACH_EMAIL).first()
    return coach


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _ready_asset_create(
    coach: Coach,
    *,
    asset_id: uuid.UUID,
    kind: str,
    title: str,
    content_type: str,
    content: bytes,
    provider: str,
    external_id: str,
    duration_seconds: int | None = None,
) -> Asset:
    """A ready asset of the demo coach, its bytes in the media storage where media reads them."""
    asset = Asset(
        id=asset_id,
        coach_id=coach.id,
        kind=kind,
        title=title,
        content_type=content_type,
        size_bytes=len(content),
        duration_seconds=duration_seconds,
        provider=provider,
        state=AssetState.READY,
        ready_at=timezone.now(),
    )
    file_save(name=storage_name_of(asset=asset, external_id=external_id), content=ContentFile(content))
    asset.save()
    ProviderMapping.objects.create(asset=asset, provider=provider, external_id=external_id)
    return asset


def _workbook_create(coach: Coach) -> Asset:
    return _ready_asset_create(
        coach,
        asset_id=DEMO_WORKBOOK_ASSET_ID,
        kind=AssetKind.DOCUMENT,
        title=DEMO_WORKBOOK_TITLE,
        content_type="application/pdf",
        content=pdf_with_text("Momentum workbook: one habit, two minutes, every day."),
        provider=STORAGE_PROVIDER,
        external_id=f"documents/{coach.id}/{DEMO_WORKBOOK_ASSET_ID}",
    )


def _video_create(coach: Coach) -> Asset:
    return _ready_asset_create(
        coach,
        asset_id=DEMO_VIDEO_ASSET_ID,
        kind=AssetKind.VIDEO,
        title=DEMO_VIDEO_TITLE,
        content_type="video/mp4",
        content=DEMO_VIDEO_FILE.read_bytes(),
        provider=LocalVideoProvider.name,
        external_id=DEMO_VIDEO_ASSET_ID.hex,
        duration_seconds=DEMO_VIDEO_SECONDS,
    )


def seed(*, stdout) -> None:
    coach = _demo_coach()
    if coach is None:
        stdout.write(f"  media: no copy of the demo coach {DEMO_COACH_EMAIL}; no demo worksheet")
        return
    if not Asset.objects.filter(id=DEMO_VIDEO_ASSET_ID).exists():
        _video_create(coach)
        stdout.write(f"  created demo video: {DEMO_VIDEO_TITLE} (media asset {DEMO_VIDEO_ASSET_ID})")
    if Asset.objects.filter(id=DEMO_WORKBOOK_ASSET_ID).exists():
        stdout.write(f"  demo worksheet exists: {DEMO_WORKBOOK_TITLE}")
        return
    _workbook_create(coach)
    stdout.write(f"  created demo worksheet: {DEMO_WORKBOOK_TITLE} (media asset {DEMO_WORKBOOK_ASSET_ID})")
