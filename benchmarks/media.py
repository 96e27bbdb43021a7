"""scripts/bench media: signed download links against plain static file serving of the same file.

One gunicorn (benchmarks.http.BenchServer: scratch database, the project plus the baselines) serves,
in the same run:
1. the baselines as fast as they answer: plain Django "hello", DRF one-row read;
2. ``GET /media/downloads/<token>`` of a ready 64 KiB worksheet, each request with a fresh
   single-use link (signature and age checked, the use recorded with the enrollment, the file read);
3. the same with stream links (checked, not recorded: what a local video's player reads again);
4. a learner's lesson read (``GET /courses/learn/lessons/<id>``) of a download lesson naming that
   worksheet, over many learners: the enrollment, the lesson with its media copy and the progress,
   and a download link signed for the enrollment on every read (docs/decisions/0006), against the
   one-row read baseline of the same run (aim: at least half its rate);
and a second gunicorn with as many workers serves the same file as a static file (WhiteNoise, no
Django): the floor a signed link is compared with. Also printed: signing and checking one link in
process, the cost courses adds to a learner's lesson read when it puts playback info in it.
Load comes from a second process on loopback.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request
import uuid
from pathlib import Path

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
DURATION = float(os.environ.get("BENCH_DURATION", "8"))
FILE_BYTES = 64 * 1024
# More single-use links than the download phase can use, so none is sent twice.
LINKS = int(os.environ.get("BENCH_MEDIA_LINKS", "40000"))
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "400"))
AIM_LESSON_RATIO = 0.5


@functools.cache
def _static_files():
    from whitenoise import WhiteNoise

    return WhiteNoise(None, root=os.environ["BENCH_STATIC_ROOT"], autorefresh=False)


def static_app(environ, start_response):
    """``gunicorn benchmarks.media:static_app``: the worksheet as a plain static file."""
    return _static_files()(environ, start_response)


class StaticServer:
    """A gunicorn serving ``root`` with WhiteNoise alone, with the bench server's worker count."""

    def __init__(self, root: Path, *, workers: int):
        from benchmarks.http import _free_port

        self.root, self.workers = root, workers
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> StaticServer:
        root_dir = Path(__file__).resolve().parent.parent
        self._process = subprocess.Popen(  # noqa: S603 - our own server
            [
                sys.executable,
                "-m",
                "gunicorn",
                "benchmarks.media:static_app",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=root_dir,
            env={**os.environ, "BENCH_STATIC_ROOT": str(self.root)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/worksheet.pdf", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("the static server did not come up")

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=20)
            self._process = None


def seed(content: bytes) -> uuid.UUID:
    """A ready worksheet of the media context, its bytes in the media storage."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from contexts.media.models import Asset, AssetKind, AssetState, ProviderMapping
    from contexts.media.providers.files import file_save

    asset = Asset.objects.create(
        coach_id=uuid.uuid4(),
        kind=AssetKind.DOCUMENT,
        title="Momentum workbook",
        content_type="application/pdf",
        size_bytes=len(content),
        provider="storage",
        state=AssetState.READY,
        ready_at=timezone.now(),
    )
    name = f"documents/{asset.coach_id}/{asset.id}"
    ProviderMapping.objects.create(asset=asset, provider="storage", external_id=name)
    file_save(name=name, content=ContentFile(content))
    return asset.id


def lesson_requests(asset_id: uuid.UUID, *, learners: int):
    """A published course whose download lesson names the worksheet, and ``learners`` enrolled
    learners: one lesson read per learner (each answer signs a download link for its enrollment)."""
    from django.utils import timezone

    from benchmarks.http import Request
    from contexts.courses import services
    from contexts.courses.access import access_token_issue
    from contexts.courses.models import LessonKind, MediaState

    coach_id = uuid.UUID("be7c0000-0000-4000-8000-00000000000d")
    services.media_asset_state_apply(
        asset_id=asset_id,
        coach_id=coach_id,
        kind="document",
        state=MediaState.READY,
        changed_at=timezone.now(),
        provider="storage",
        external_id=f"documents/{asset_id}",
    )
    course = services.course_create(coach_id=coach_id, title="Bench: the worksheet")
    module = services.module_create(course=course, title="Week 1")
    lesson = services.lesson_create(
        module=module, title="Worksheet", kind=LessonKind.DOWNLOAD, media_asset_id=asset_id, file_name="w.pdf"
    )
    services.course_publish(course=course)
    requests = []
    for n in range(learners):
        enrollment = services.enrollment_grant(course=course, email=f"learner{n}@bench.example").enrollment
        token = access_token_issue(enrollment_id=enrollment.id, access_version=enrollment.access_version)
        requests.append(Request("GET", f"/courses/learn/lessons/{lesson.id}", {"Authorization": f"AccessLink {token}"}))
    return requests


def playback_of(url: str, request) -> dict:
    """One lesson read's playback, to check the phase measures what it says."""
    with urllib.request.urlopen(urllib.request.Request(url + request.path, headers=request.headers)) as answer:  # noqa: S310
        return json.loads(answer.read())["playback"]


def link_requests(asset_id: uuid.UUID, *, count: int, purpose: str):
    from benchmarks.http import Request
    from contexts.media.grants import download_link_sign

    requests = []
    for _ in range(count):
        url, _expires = download_link_sign(asset_id=asset_id, enrollment_id=uuid.uuid4(), purpose=purpose)
        requests.append(Request("GET", "/media/" + url.split("/media/", 1)[1]))
    return requests


def in_process_costs(asset_id: uuid.UUID) -> tuple[float, float]:
    """Microseconds to sign one link, and to check one (signature and age, no query)."""
    from contexts.media.grants import download_grant_read, download_link_sign

    enrollment_id = uuid.uuid4()
    runs = 20000
    sign = timeit.timeit(lambda: download_link_sign(asset_id=asset_id, enrollment_id=enrollment_id), number=runs)
    url, _ = download_link_sign(asset_id=asset_id, enrollment_id=enrollment_id)
    token = url.rsplit("/", 1)[1]
    check = timeit.timeit(lambda: download_grant_read(token=token), number=runs)
    return sign / runs * 1e6, check / runs * 1e6


def main() -> None:
    from benchmarks.http import WORKERS, BenchServer, Request, baselines, run_load
    from contexts.media.grants import DOWNLOAD, STREAM

    content = (b"%PDF-1.4\n" + os.urandom(FILE_BYTES))[:FILE_BYTES]
    with tempfile.TemporaryDirectory(prefix="nlc-bench-media-") as scratch:
        storage, static_root = Path(scratch) / "storage", Path(scratch) / "static"
        static_root.mkdir()
        (static_root / "worksheet.pdf").write_bytes(content)
        from django.conf import settings

        options = {"location": str(storage)}
        settings.STORAGES = {**settings.STORAGES, "media": {**settings.STORAGES["media"], "OPTIONS": options}}
        # The anonymous throttle (per address) still runs on every link, with a rate this load cannot reach.
        env = {"THROTTLE_RATE_ANON": "1000000/second", "MEDIA_STORAGE_OPTIONS": json.dumps(options)}
        with BenchServer(env=env) as server, StaticServer(static_root, workers=WORKERS) as static:
            asset_id = seed(content)
            downloads = link_requests(asset_id, count=LINKS, purpose=DOWNLOAD)
            streams = link_requests(asset_id, count=200, purpose=STREAM)
            lessons = lesson_requests(asset_id, learners=LEARNERS)
            for requests in (streams, lessons):
                warm = run_load(server.url, requests, concurrency=4, duration=1.0)
                assert warm.statuses.get("200"), f"warm-up failed: {warm.statuses}"
            assert playback_of(server.url, lessons[0])["type"] == "download"
            base = baselines(server, concurrency=CONCURRENCY, duration=DURATION)
            plain = run_load(static.url, [Request("GET", "/worksheet.pdf")], concurrency=CONCURRENCY, duration=DURATION)
            download = run_load(server.url, downloads, concurrency=CONCURRENCY, duration=DURATION)
            stream = run_load(server.url, streams, concurrency=CONCURRENCY, duration=DURATION)
            lesson = run_load(server.url, lessons, concurrency=CONCURRENCY, duration=DURATION)
            sign_us, check_us = in_process_costs(asset_id)
    assert download.count < LINKS, "every download link must be used once: raise BENCH_MEDIA_LINKS"
    print(
        f"gunicorn: {WORKERS} sync workers each; load: concurrency {CONCURRENCY}, {DURATION:.0f} s per phase; "
        f"a {FILE_BYTES // 1024} KiB PDF"
    )
    print(base["hello"].line("baseline hello (plain Django)"))
    print(base["read"].line("baseline read one row (DRF)"))
    print(plain.line("static file (WhiteNoise, no Django)"))
    print(download.line("signed download link (single use)"))
    print(stream.line("signed stream link (reusable)"))
    print(lesson.line("lesson read with playback (link signed)"))
    print(f"sign one link in process:  {sign_us:6.1f} us")
    print(f"check one link in process: {check_us:6.1f} us")
    for label, result in (("signed download", download), ("signed stream", stream)):
        to_static = result.rps / plain.rps if plain.rps else 0.0
        to_read = result.rps / base["read"].rps if base["read"].rps else 0.0
        print(f"ratio {label + ' / static file:':32} {to_static:.2f}   / one-row read: {to_read:.2f}")
    lesson_ratio = lesson.rps / base["read"].rps if base["read"].rps else 0.0
    print(f"ratio lesson read with playback / one-row read: {lesson_ratio:.2f}  (aim >= {AIM_LESSON_RATIO})")


if __name__ == "__main__":
    main()
