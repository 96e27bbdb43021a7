"""The HTTP bench harness: a gunicorn server on a scratch database, and a load generator in a
second process on loopback.

    with BenchServer() as server:          # scratch DB with every schema, gunicorn on 127.0.0.1
        row = BenchRow.objects.create(...)  # this process is connected to the same scratch DB
        hello = run_load(server.url, [Request("GET", "/bench/hello")], concurrency=16, duration=5)
        print(hello.line("hello"))

The server runs ``benchmarks.settings``: the project plus the baseline endpoints ``GET /bench/hello``
(plain Django), ``POST /bench/insert`` (DRF, one row in one transaction) and ``GET /bench/rows/<uuid>``
(DRF, one row by primary key). Everything the harness creates (database, roles, broker topology)
is removed on exit.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
os.environ.setdefault("NLC_BUS_NAMESPACE", f"bench.{os.getpid()}.")
os.environ.setdefault("LOG_LEVEL", "WARNING")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

from nlc.testing.database import create_test_layout, drop_test_layout  # noqa: E402

WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def spec(self) -> dict:
        return {
            "method": self.method,
            "path": self.path,
            "headers": self.headers,
            "body_b64": base64.b64encode(self.body).decode(),
        }


@dataclass(frozen=True)
class LoadResult:
    count: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    statuses: dict[str, int]

    def line(self, label: str) -> str:
        codes = " ".join(f"{code}x{n}" for code, n in sorted(self.statuses.items()))
        return (
            f"{label:44} {self.rps:8.0f} req/s   p50 {self.p50_ms:6.1f} ms   p99 {self.p99_ms:6.1f} ms"
            f"   ({self.count} requests, {codes}, {self.errors} errors)"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BenchServer:
    def __init__(self, *, workers: int = WORKERS, env: dict[str, str] | None = None):
        self.workers = workers
        self.extra_env = env or {}
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None
        self._layout: tuple[str, list[str]] | None = None

    def __enter__(self) -> BenchServer:
        self._layout = create_test_layout()
        if settings.BROKER_URL:
            from nlc.events.broker import broker_connection, declare_topology
            from nlc.events.registry import consumer_topology

            with broker_connection() as connection:
                declare_topology(connection, consumer_topology())
        test_db = connections["default"].settings_dict["NAME"]
        env = {
            **os.environ,
            "DATABASE_URL": urlparse(settings.DATABASE_URL)._replace(path=f"/{test_db}").geturl(),
            "NLC_DB_ROLE_PREFIX": settings.NLC_DB_ROLE_PREFIX,
            **self.extra_env,
        }
        self._process = subprocess.Popen(  # noqa: S603 - our own server
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
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
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            self.__exit__(None, None, None)
            raise RuntimeError("gunicorn did not come up")
        warm = run_load(self.url, [Request("GET", "/bench/hello")], concurrency=4, duration=1.0)
        assert warm.count, "warm-up failed"
        return self

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None
        if settings.BROKER_URL:
            from nlc.events.broker import broker_connection, delete_topology

            with broker_connection() as connection:
                delete_topology(connection, list(settings.NLC_CONTEXTS))
        if self._layout is not None:
            drop_test_layout(*self._layout)
            self._layout = None


def run_load(
    url: str, requests: list[Request], *, concurrency: int, duration: float, rate: float | None = None
) -> LoadResult:
    """Drive ``url`` from a second process; ``rate`` (requests/s) or as fast as the server answers."""
    parsed = urlparse(url)
    spec = {
        "host": parsed.hostname,
        "port": parsed.port,
        "requests": [request.spec() for request in requests],
        "concurrency": concurrency,
        "duration": duration,
        "rate": rate,
    }
    result = subprocess.run(  # noqa: S603 - our own load generator
        [sys.executable, "-m", "benchmarks.load"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return LoadResult(**json.loads(result.stdout))


def baselines(server: BenchServer, *, concurrency: int = 16, duration: float = 8.0) -> dict[str, LoadResult]:
    """The three baselines, measured on ``server`` as fast as it answers."""
    from benchmarks.baseline.models import BenchRow

    row = BenchRow.objects.create(name="baseline", payload={"a": 1})
    insert_body = json.dumps({"name": "baseline", "payload": {"a": 1}}).encode()
    json_headers = {"Content-Type": "application/json"}
    return {
        "hello": run_load(server.url, [Request("GET", "/bench/hello")], concurrency=concurrency, duration=duration),
        "read": run_load(
            server.url, [Request("GET", f"/bench/rows/{row.pk}")], concurrency=concurrency, duration=duration
        ),
        "insert": run_load(
            server.url,
            [Request("POST", "/bench/insert", json_headers, insert_body)],
            concurrency=concurrency,
            duration=duration,
        ),
    }
