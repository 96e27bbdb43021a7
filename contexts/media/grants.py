"""Signed download links, as media uses them: the format lives in the kernel (nlc/media_links.py,
docs/decisions/0006), shared with courses, which signs them while it answers a learner's lesson.

Media checks a link when it is opened: signature, age at most ``MEDIA["DOWNLOAD_LINK_TTL_SECONDS"]``,
and for a download (purpose ``d``) that it was never used before (services/downloads.py). A stream
(purpose ``s``: a local video the player reads in several requests) may be read again within its
lifetime.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.conf import settings

from contexts.media.errors import DownloadLinkExpiredError, DownloadLinkInvalidError
from nlc.media_links import (
    DOWNLOAD,
    PURPOSES,
    SALT,
    STREAM,
    MediaLinkExpiredError,
    MediaLinkGrant,
    MediaLinkInvalidError,
    media_link_read,
    media_link_sign,
)

DownloadGrant = MediaLinkGrant

__all__ = ["DOWNLOAD", "PURPOSES", "SALT", "STREAM", "DownloadGrant", "download_grant_read", "download_link_sign"]


def download_link_sign(*, asset_id: UUID, enrollment_id: UUID, purpose: str = DOWNLOAD) -> tuple[str, datetime]:
    """The URL of a fresh link and when it expires (what courses answers a learner)."""
    link = media_link_sign(asset_id=asset_id, enrollment_id=enrollment_id, purpose=purpose)
    return link.url, link.expires_at


def download_grant_read(*, token: str) -> DownloadGrant:
    """What a link grants, if its signature holds and it is young enough."""
    try:
        return media_link_read(token, max_age=settings.MEDIA["DOWNLOAD_LINK_TTL_SECONDS"])
    except MediaLinkExpiredError as error:
        raise DownloadLinkExpiredError() from error
    except MediaLinkInvalidError as error:
        raise DownloadLinkInvalidError() from error
