"""What media asks of a video provider, and what it answers. Adapters raise only ProviderError."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from nlc.errors import ProviderError


@dataclass(frozen=True)
class CreatedVideo:
    """A video the provider now expects bytes for. ``upload_link`` is where the browser sends them
    (tus); None when they go to media itself (the local provider) or the provider pulls them."""

    external_id: str
    upload_link: str | None


@dataclass(frozen=True)
class VideoStatus:
    """Where processing stands: ``uploading``, ``processing``, ``ready`` or ``failed`` (``reason``)."""

    state: str
    reason: str = ""
    duration_seconds: int | None = None
    thumbnail_url: str = ""
    playback_url: str = ""


class RateLimitedError(ProviderError):
    """The provider throttled us (429); ``retry_at`` is when its limit resets, if it said."""

    def __init__(self, message: str, *, provider: str, retry_at: datetime | None):
        super().__init__(message, provider=provider, retryable=True, http_status=429)
        self.retry_at = retry_at


class VideoProvider(Protocol):
    name: str

    def video_create(self, *, title: str, size_bytes: int) -> CreatedVideo: ...

    def video_pull(self, *, title: str, size_bytes: int, source_url: str) -> CreatedVideo: ...

    def video_status(self, *, external_id: str) -> VideoStatus: ...

    def video_delete(self, *, external_id: str) -> None:
        """Delete it; a video the provider no longer has counts as deleted."""
