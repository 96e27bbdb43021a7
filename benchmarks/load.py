"""A small HTTP/1.1 load generator, run as its own process on loopback by benchmarks.http.

Reads a JSON spec on stdin: {"host", "port", "requests": [{"method", "path", "headers", "body_b64"}],
"concurrency", "duration", "rate" (null = as fast as it goes)}. Requests go round-robin over
keep-alive connections (a new one whenever the server closes one, as gunicorn's sync workers do).
With a rate, requests are scheduled at fixed intervals and each latency is counted from its
scheduled time, so a slow server cannot hide its queueing (no coordinated omission). Prints one
JSON object: count, seconds, rps, p50_ms, p99_ms, max_ms, errors, statuses.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import sys
import time


def _build(host: str, spec: dict) -> bytes:
    body = base64.b64decode(spec.get("body_b64") or "")
    headers = {"Host": host, "Connection": "keep-alive", **spec.get("headers", {})}
    if body or spec["method"] in {"POST", "PUT", "PATCH"}:
        headers["Content-Length"] = str(len(body))
    head = f"{spec['method']} {spec['path']} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + body


async def _read_headers(reader: asyncio.StreamReader) -> tuple[int, bool, bool]:
    """The headers of one response: (content length, chunked, keep-alive)."""
    length, chunked, keep_alive = 0, False, True
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            return length, chunked, keep_alive
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        chunked = chunked or (name == "transfer-encoding" and "chunked" in value)
        keep_alive = keep_alive and not (name == "connection" and "close" in value)


async def _skip_chunks(reader: asyncio.StreamReader) -> None:
    while True:
        size = int((await reader.readline()).strip(), 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the server keeps the connection open."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length, chunked, keep_alive = await _read_headers(reader)
    if chunked:
        await _skip_chunks(reader)
    elif length:
        await reader.readexactly(length)
    return status, keep_alive


async def _wait_turn(started: float, deadline: float, rate: float | None, schedule) -> float | None:
    """When this request is due (paced at ``rate`` per second, or now); None once the run is over."""
    due = started + next(schedule) / rate if rate else time.perf_counter()
    if due >= deadline:
        return None
    delay = due - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)
    return due


async def run(spec: dict) -> dict:
    host, port = spec["host"], spec["port"]
    payloads = [_build(f"{host}:{port}", request) for request in spec["requests"]]
    next_payload = itertools.cycle(payloads)
    duration, rate, concurrency = spec["duration"], spec.get("rate"), spec["concurrency"]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    started = time.perf_counter()
    deadline = started + duration
    schedule = itertools.count()

    async def worker() -> None:
        nonlocal errors
        reader = writer = None
        while (due := await _wait_turn(started, deadline, rate, schedule)) is not None:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(next(next_payload))
                status, keep_alive = await _read_response(reader)
            except (OSError, ConnectionError, ValueError, asyncio.IncompleteReadError):
                errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            latencies.append(time.perf_counter() - due)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if not keep_alive:  # gunicorn's sync workers close after each response
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(fraction: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * fraction))] * 1000 if latencies else 0.0

    return {
        "count": len(latencies),
        "seconds": round(elapsed, 3),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
        "errors": errors,
        "statuses": statuses,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(json.load(sys.stdin)))))
