"""Make sure the services the tests need answer; start a local one that is down where we can.

Usage: services.py [--start] name=url ...   (names: postgres, rabbitmq, redis)
Prints one line per service; on failure, one clear line saying what is missing and how to start it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

DEFAULT_PORTS = {"postgres": 5432, "rabbitmq": 5672, "redis": 6379}
LOCAL = {"127.0.0.1", "localhost", "::1"}


def _start_commands(name: str) -> list[list[str]]:
    if name == "postgres" and shutil.which("pg_ctlcluster"):
        return (
            [
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"]
                for version in sorted(os.listdir("/etc/postgresql"))
            ]
            if os.path.isdir("/etc/postgresql")
            else []
        )
    if name == "rabbitmq" and shutil.which("rabbitmq-server"):
        return [["rabbitmq-server", "-detached"]]
    if name == "redis" and shutil.which("redis-server"):
        return [
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
            ]
        ]
    return []


HOW_TO_START = {
    "postgres": "start PostgreSQL (pg_ctlcluster <version> main start, or docker compose up postgres)",
    "rabbitmq": "start RabbitMQ (rabbitmq-server -detached, or docker compose up rabbitmq)",
    "redis": "start Redis (redis-server --daemonize yes, or docker compose up redis)",
}


def answers(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def ensure(name: str, url: str, *, start: bool) -> bool:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or DEFAULT_PORTS[name]
    if answers(host, port):
        print(f"==> {name} answers on {host}:{port}")
        return True
    if start and host in LOCAL:
        for command in _start_commands(name):
            print(f"==> {name} is down; starting it: {' '.join(command)}")
            subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603 - fixed argv
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if answers(host, port):
                print(f"==> {name} started on {host}:{port}")
                return True
            time.sleep(1)
    print(f"ERROR: {name} does not answer on {host}:{port}: {HOW_TO_START[name]}", file=sys.stderr)
    return False


def main(argv: list[str]) -> int:
    start = "--start" in argv
    pairs = [arg.split("=", 1) for arg in argv if "=" in arg]
    results = [ensure(name, url, start=start) for name, url in pairs]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
