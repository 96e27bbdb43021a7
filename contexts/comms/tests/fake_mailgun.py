"""A fake Mailgun at the HTTP boundary: a small threaded HTTP server on loopback that speaks the part
of Mailgun's API comms calls, ``POST /v3/<domain>/messages`` (form-encoded, HTTP Basic ``api:<key>``),
and answers as Mailgun does (``{"id": "<...>", "message": "Queued. Thank you."}``, or Mailgun's error
bodies). Point ``MAILGUN_API_BASE`` at :attr:`FakeMailgun.url` and the real ``mailgun`` client talks
to it. Every request is recorded; :meth:`FakeMailgun.fail` makes the next calls fail.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

API_KEY = "key-FAKE-comms-tests-only"
DOMAIN = "mg.example.com"


@dataclass
class Recorded:
    method: str
    path: str
    form: list[tuple[str, str]]
    headers: dict[str, str]

    def field(self, name: str) -> str:
        (value,) = [value for key, value in self.form if key == name]
        return value

    @property
    def basic_auth(self) -> str:
        return base64.b64decode(self.headers["Authorization"].removeprefix("Basic ")).decode()


@dataclass
class FakeMailgun:
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._failures: list[tuple[int, dict]] = []
        self._ids = itertools.count(1)
        fake = self

        class Handler(_Handler):
            mailgun = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="fake-mailgun", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeMailgun:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, status: int, message: str = "", *, times: int = 1) -> None:
        """The next ``times`` calls answer ``status`` with Mailgun's error body."""
        with self._lock:
            self._failures.extend([(status, {"message": message or f"fake failure {status}"})] * times)

    def answer(self, path: str, form: list[tuple[str, str]], headers: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(Recorded("POST", path, form, headers))
            if self._failures:
                return self._failures.pop(0)
            number = next(self._ids)
        if not path.startswith("/v3/") or not path.endswith("/messages"):
            return 404, {"message": "Not Found"}
        return 200, {"id": f"<20261201103000.{number}.FAKE@{DOMAIN}>", "message": "Queued. Thank you."}


class _Handler(BaseHTTPRequestHandler):
    mailgun: FakeMailgun
    protocol_version = "HTTP/1.0"
    disable_nagle_algorithm = True

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        form = parse_qsl(body, keep_blank_values=True)
        status, answer = self.mailgun.answer(self.path, form, dict(self.headers.items()))
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        return
