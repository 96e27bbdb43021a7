"""Liveness (/health) and readiness (/ready) endpoints.

Readiness asks every dependency the process needs; more checks (the broker) register themselves
with :func:`register_check`. A failing dependency makes the answer a 503 that names it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.http import require_GET

ReadinessCheck = Callable[[], dict[str, str]]
_checks: dict[str, ReadinessCheck] = {}


def register_check(name: str, check: ReadinessCheck) -> None:
    _checks[name] = check


def check_databases() -> dict[str, str]:
    states = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            states[alias] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            connections[alias].close_if_unusable_or_obsolete()
            states[alias] = f"error: {type(error).__name__}: {str(error).strip()[:200]}"
    return states


def check_cache() -> dict[str, str]:
    key = f"ready:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
        return {"default": "ok" if ok else "error: value not read back"}
    except Exception as error:  # noqa: BLE001
        return {"default": f"error: {type(error).__name__}: {error}"}


register_check("databases", check_databases)
register_check("cache", check_cache)


@require_GET
def health(request):
    return JsonResponse({"status": "ok"})


@require_GET
def ready(request):
    checks = {name: check() for name, check in _checks.items()}
    failing = sorted(
        f"{group}.{name}" for group, states in checks.items() for name, state in states.items() if state != "ok"
    )
    body = {"status": "unavailable" if failing else "ok", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)
