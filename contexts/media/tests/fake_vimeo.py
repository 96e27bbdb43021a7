"""A fake Vimeo at the HTTP boundary: a small threaded HTTP server on loopback speaking the part of
Vimeo's REST API (3.4) media calls, with bodies built from the captured fixtures in ``fixtures/``.

Point ``VIMEO_API_BASE`` at :attr:`FakeVimeo.url`. Every request is recorded (method, path, query,
headers, JSON body). A video's processing is moved along by the test (:meth:`FakeVimeo.progress`);
:meth:`FakeVimeo.fail` makes the next matching calls answer an error (or hang, for timeouts).
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
ACCESS_TOKEN = "FAKE-vimeo-token-media-tests-only"
# What GET /videos/{id}?fields=... answers in each state (the fixtures of the same names).
STATES = ("uploading", "transcoding", "available", "transcode_error", "upload_error")


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Failure:
    status: int
    times: int
    method: str
    path_prefix: str
    headers: dict[str, str]
    delay: float = 0.0


@dataclass
class FakeVimeo:
    requests: list[Recorded] = field(default_factory=list)
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._failures: list[Failure] = []
        self._ids = itertools.count(925926407)
        self.domains: dict[str, list[str]] = {}
        self.slow_get_seconds = 0.0
        fake = self

        class Handler(_Handler):
            vimeo = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="fake-vimeo", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeVimeo:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- test controls ------------------------------------------------------------------------------
    def progress(self, video_id: str, state: str) -> None:
        """Move a video to one of STATES."""
        assert state in STATES, state
        self.videos[video_id]["state"] = state

    def fail(
        self, status: int, *, times: int = 1, method: str = "", path_prefix: str = "/", headers=None, delay=0.0
    ) -> None:
        self._failures.append(Failure(status, times, method, path_prefix, headers or {}, delay))

    def calls(self, method: str, path_prefix: str = "/") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # -- the API --------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        failure = self._take_failure(method, path)
        if failure is not None:
            if failure.delay:
                time.sleep(failure.delay)
            return failure.status, fixture("error_response.json"), failure.headers
        parts = [unquote(part) for part in path.strip("/").split("/")]
        if method == "POST" and parts == ["me", "videos"]:
            return self._create(body)
        if len(parts) >= 2 and parts[0] == "videos" and parts[1] not in self.videos:
            return 404, fixture("error_response.json"), {}
        if method == "PUT" and len(parts) == 5 and parts[2:4] == ["privacy", "domains"]:
            self.domains.setdefault(parts[1], []).append(parts[4])
            return 204, None, {}
        if method == "GET" and len(parts) == 2:
            time.sleep(self.slow_get_seconds)
            return 200, self._fields(parts[1]), {}
        if method == "DELETE" and len(parts) == 2:
            del self.videos[parts[1]]
            return 204, None, {}
        return 404, fixture("error_response.json"), {}

    def _take_failure(self, method: str, path: str) -> Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.times > 0 and path.startswith(failure.path_prefix) and failure.method in ("", method):
                    failure.times -= 1
                    return failure
        return None

    def _create(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        video_id = str(next(self._ids))
        answer = fixture("create_video_tus_response.json")
        answer["uri"] = f"/videos/{video_id}"
        answer["name"] = body["name"]
        answer["privacy"] = {**answer["privacy"], **body.get("privacy", {})}
        answer["upload"]["approach"] = body["upload"]["approach"]
        answer["upload"]["size"] = body["upload"]["size"]
        answer["upload"]["upload_link"] = f"https://files.tus.vimeo.com/files/vimeo-prod-src-tus-eu/{video_id}"
        if body["upload"]["approach"] == "pull":
            answer["upload"]["upload_link"] = None
            answer["upload"]["link"] = body["upload"]["link"]
        with self._lock:
            self.videos[video_id] = {"state": "uploading", "created": answer}
        return 201, answer, {}

    def _fields(self, video_id: str) -> dict[str, Any]:
        state = self.videos[video_id]["state"]
        answer = copy.deepcopy(fixture(f"get_video_fields_{state}.json"))
        answer["uri"] = f"/videos/{video_id}"
        if state == "available":
            full = fixture("get_video_available.json")
            answer["duration"] = full["duration"]
            answer["player_embed_url"] = full["player_embed_url"].replace("925926407", video_id)
            answer["pictures"] = {"base_link": full["pictures"]["base_link"]}
        return answer


class _Handler(BaseHTTPRequestHandler):
    vimeo: FakeVimeo

    def log_message(self, *args):  # quiet
        pass

    def _serve(self, method: str) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        self.vimeo.requests.append(
            Recorded(method, split.path, parse_qs(split.query), {k.lower(): v for k, v in self.headers.items()}, body)
        )
        status, answer, headers = self.vimeo.handle(method, split.path, body)
        payload = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", "application/vnd.vimeo.video+json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")

    def do_PATCH(self):
        self._serve("PATCH")
