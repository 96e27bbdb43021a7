"""Sign webhook bodies the way each provider does (see fixtures/README.md), and read the fixtures."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

STRIPE_SECRET = "whsec_test_FAKE_acceptance_only_do_not_use"
STRIPE_OLD_SECRET = "whsec_test_FAKE_previous_secret_rotated_out"
MAILGUN_KEY = "FAKE-mailgun-webhook-signing-key-acceptance-only"
CALENDLY_KEY = "FAKE_calendly_webhook_signing_key_acceptance_only"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> dict:
    return json.loads(fixture_bytes(name))


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def stripe_signature(body: bytes, secret: str = STRIPE_SECRET, *, t: int | None = None) -> str:
    t = int(time.time()) if t is None else t
    return f"t={t},v1={_hmac(secret, f'{t}.'.encode() + body)}"


def calendly_signature(body: bytes, key: str = CALENDLY_KEY, *, t: int | None = None) -> str:
    t = int(time.time()) if t is None else t
    return f"t={t},v1={_hmac(key, f'{t}.'.encode() + body)}"


def mailgun_body(event_data: dict, key: str = MAILGUN_KEY, *, t: int | None = None, token: str | None = None) -> bytes:
    timestamp = str(int(time.time()) if t is None else t)
    token = token or secrets.token_hex(25)
    signature = {"token": token, "timestamp": timestamp, "signature": _hmac(key, (timestamp + token).encode())}
    return json.dumps({"signature": signature, "event-data": event_data}).encode()


def stripe_event(event_id: str, *, name: str = "stripe/checkout.session.completed.json") -> bytes:
    """The fixture's exact bytes with another event id (the id is not part of any signature)."""
    original = fixture_json(name)["id"]
    return fixture_bytes(name).replace(f'"id": "{original}"'.encode(), f'"id": "{event_id}"'.encode(), 1)
