"""What every webhook verifier shares: its input, its output, and the checks all providers make.

A verifier takes the raw body and headers of a request plus the provider's active secrets and
either returns a :class:`VerifiedWebhook` or raises
:class:`~contexts.integrations.errors.WebhookRejectedError` with a reason. It never touches the
database: intake stores what it returns.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from contexts.integrations.errors import WebhookRejectedError

# Headers kept with every stored webhook besides the provider's own signature header.
COMMON_HEADERS = ("Content-Type", "User-Agent", "traceparent")


@dataclass(frozen=True)
class IncomingWebhook:
    provider: str
    body: bytes
    headers: Mapping[str, str]  # case-insensitive, as request.headers
    secrets: tuple[str, ...]
    settings: Mapping[str, Any]
    now: float  # Unix seconds
    tolerance: int  # how old a signed timestamp may be, in seconds
    future_tolerance: int  # how far ahead of our clock it may be

    def text(self) -> str:
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise WebhookRejectedError("body_invalid", "The body is not UTF-8 text.") from error


@dataclass(frozen=True)
class SignedHeader:
    """A ``t=<unix>,<scheme>=<hex>,...`` signature header: as sent, its timestamp, its signatures."""

    value: str
    timestamp: int
    signatures: list[str]


@dataclass(frozen=True)
class VerifiedWebhook:
    provider_event_id: str
    event_type: str
    data: dict[str, Any]
    coach_id: UUID | None = None
    signature_token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def json_object(incoming: IncomingWebhook) -> dict[str, Any]:
    try:
        data = json.loads(incoming.text())
    except ValueError as error:
        raise WebhookRejectedError("body_invalid", "The body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise WebhookRejectedError("body_invalid", "The body must be a JSON object.")
    return data


def text_field(data: Mapping[str, Any], name: str, *, where: str, max_length: int) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise WebhookRejectedError("payload_invalid", f"The payload has no {where}.")
    if len(value) > max_length:
        raise WebhookRejectedError("payload_invalid", f"The payload's {where} is longer than {max_length} characters.")
    return value


def freshness_check(incoming: IncomingWebhook, timestamp: int) -> None:
    """Refuse a signed timestamp older than the tolerance or too far in the future."""
    age = incoming.now - timestamp
    if age > incoming.tolerance:
        raise WebhookRejectedError(
            "timestamp_stale",
            f"The signature's timestamp is {int(age)} s old; at most {incoming.tolerance} s are accepted.",
        )
    if -age > incoming.future_tolerance:
        raise WebhookRejectedError(
            "timestamp_future",
            f"The signature's timestamp is {int(-age)} s in the future; "
            f"at most {incoming.future_tolerance} s are accepted.",
        )


def hmac_check(incoming: IncomingWebhook, *, signed: bytes, given: list[str], timestamp: int, mismatch: str) -> None:
    """Refuse unless one ``given`` hex signature is the HMAC-SHA256 of ``signed`` under an active
    secret (``signature_invalid``, saying ``mismatch``), then unless ``timestamp`` is in the window."""
    expected = [hmac_sha256_hex(secret, signed) for secret in incoming.secrets]
    if not any_signature_matches(expected, given):
        raise WebhookRejectedError("signature_invalid", mismatch)
    freshness_check(incoming, timestamp)


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def any_signature_matches(expected: list[str], given: list[str]) -> bool:
    """Constant-time comparison of every expected signature against every given one."""
    matched = False
    for candidate in expected:
        for signature in given:
            # No early exit: the time taken does not tell which secret matched.
            matched |= hmac.compare_digest(candidate.encode(), signature.encode())
    return matched


def signed_header(incoming: IncomingWebhook, *, header: str, scheme: str) -> SignedHeader:
    """The ``header`` that Stripe and Calendly sign with, parsed; refused when it is missing
    (``signature_missing``), or has no timestamp or no ``scheme`` signature (``signature_malformed``)."""
    value = incoming.headers.get(header)
    if not value:
        raise WebhookRejectedError("signature_missing", f"The {header} header is missing.")
    items = signature_items(value)
    timestamp = signed_timestamp(items, header=header)
    signatures = [signature for key, signature in items if key == scheme]
    if not signatures:
        raise WebhookRejectedError("signature_malformed", f"The {header} header has no {scheme} signature.")
    return SignedHeader(value=value, timestamp=timestamp, signatures=signatures)


def signature_items(header: str) -> list[tuple[str, str]]:
    """``t=1,v1=abc,v1=def`` -> ``[("t", "1"), ("v1", "abc"), ("v1", "def")]``."""
    items = []
    for part in header.split(","):
        key, separator, value = part.strip().partition("=")
        if separator:
            items.append((key.strip(), value.strip()))
    return items


def signed_timestamp(items: list[tuple[str, str]], *, header: str) -> int:
    values = [value for key, value in items if key == "t"]
    if not values:
        raise WebhookRejectedError("signature_malformed", f"The {header} header has no timestamp (t=...).")
    try:
        return int(values[0])
    except ValueError as error:
        message = f"The {header} header's timestamp is not a number."
        raise WebhookRejectedError("signature_malformed", message) from error


def coach_id_from(value: Any) -> UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return UUID(value)
    except ValueError:
        return None


def kept_headers(incoming: IncomingWebhook, *names: str) -> dict[str, str]:
    return {name: incoming.headers[name] for name in (*names, *COMMON_HEADERS) if incoming.headers.get(name)}
