"""Pure decisions of the media context, no I/O: what may be uploaded, when to ask a provider again."""

from __future__ import annotations

from datetime import datetime, timedelta

from contexts.media.errors import AssetTooLargeError, ContentTypeNotAllowedError, StorageQuotaExceededError
from contexts.media.models import AssetKind


def upload_check(*, kind: str, content_type: str, size_bytes: int, stored_bytes: int, limits: dict) -> None:
    """Refuse an upload before any link is issued: its type, its size, the coach's quota."""
    file_check(kind=kind, content_type=content_type, size_bytes=size_bytes, limits=limits)
    quota_check(size_bytes=size_bytes, stored_bytes=stored_bytes, limits=limits)


def file_check(*, kind: str, content_type: str, size_bytes: int, limits: dict) -> None:
    """The type and the size a kind of asset may have."""
    allowed = limits["VIDEO_CONTENT_TYPES"] if kind == AssetKind.VIDEO else limits["DOCUMENT_CONTENT_TYPES"]
    if content_type.lower() not in {value.lower() for value in allowed}:
        raise ContentTypeNotAllowedError(
            field_errors={"content_type": [f"A {kind} may be one of: {', '.join(sorted(allowed))}."]}
        )
    largest = limits["MAX_VIDEO_BYTES"] if kind == AssetKind.VIDEO else limits["MAX_DOCUMENT_BYTES"]
    if size_bytes > largest:
        raise AssetTooLargeError(
            field_errors={"size_bytes": [f"A {kind} may have at most {largest} bytes."]},
            details={"maxBytes": largest},
        )


def quota_check(*, size_bytes: int, stored_bytes: int, limits: dict) -> None:
    """What the coach stores already plus this may not pass the quota."""
    quota = limits["COACH_QUOTA_BYTES"]
    if stored_bytes + size_bytes > quota:
        raise StorageQuotaExceededError(details={"quotaBytes": quota, "usedBytes": stored_bytes})


def backoff_seconds(*, attempts: int, first: int, most: int) -> int:
    """``first`` doubled once per attempt already made, never more than ``most``."""
    return min(most, first * 2 ** min(attempts, 30))


def next_try_at(*, now: datetime, attempts: int, first: int, most: int, not_before: datetime | None = None) -> datetime:
    """When to ask again: after the backoff, and not before the provider said (a rate limit reset)."""
    moment = now + timedelta(seconds=backoff_seconds(attempts=attempts, first=first, most=most))
    return max(moment, not_before) if not_before else moment
