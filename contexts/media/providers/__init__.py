"""Third parties behind small interfaces: video providers (Vimeo, local disk) and file storage.

``video_provider()`` is the one configured for new videos (``MEDIA["VIDEO_PROVIDER"]``);
``video_provider_named(name)`` the one an existing asset lives at.
"""

from __future__ import annotations

from django.conf import settings

from contexts.media.providers.base import CreatedVideo, RateLimitedError, VideoProvider, VideoStatus
from contexts.media.providers.local import LocalVideoProvider
from contexts.media.providers.vimeo import VimeoProvider

__all__ = [
    "CreatedVideo",
    "RateLimitedError",
    "VideoProvider",
    "VideoStatus",
    "video_provider",
    "video_provider_named",
]


def video_provider_named(name: str) -> VideoProvider:
    if name == VimeoProvider.name:
        return VimeoProvider.from_settings()
    if name == LocalVideoProvider.name:
        return LocalVideoProvider()
    raise ValueError(f"no video provider named {name!r}")


def video_provider() -> VideoProvider:
    return video_provider_named(settings.MEDIA["VIDEO_PROVIDER"])
