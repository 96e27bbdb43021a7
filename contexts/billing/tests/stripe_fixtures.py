"""Stripe payloads for billing's tests, read from ``fixtures/stripe`` (see fixtures/README.md)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stripe"
LEGACY = "legacy_2020-08-27"


@cache
def _load(relative: str) -> dict[str, Any]:
    return json.loads((FIXTURES / relative).read_text())


def stripe_event(name: str, *, legacy: bool = False) -> dict[str, Any]:
    """A fresh copy of the webhook body ``<name>.json`` (the pinned API version, or the old one)."""
    return copy.deepcopy(_load(f"{LEGACY}/{name}.json" if legacy else f"{name}.json"))


def stripe_object(name: str) -> dict[str, Any]:
    """A fresh copy of ``_objects/<name>.json``."""
    return copy.deepcopy(_load(f"_objects/{name}.json"))


def event_with(name: str, *, event_id: str | None = None, created: int | None = None, legacy: bool = False, **changes):
    """The fixture event ``name`` with another id or created time, and fields of its object changed."""
    event = stripe_event(name, legacy=legacy)
    if event_id:
        event["id"] = event_id
    if created is not None:
        event["created"] = created
    event["data"]["object"].update(changes)
    return event
