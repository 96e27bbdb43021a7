"""Signed media links: the one format courses signs with and media checks (docs/decisions/0006).

A link names a media asset and the learner's enrollment, carries a random nonce, its purpose (``d``
a download that works once, ``s`` a stream a player may read several times) and the time it was
signed, and is signed with HMAC-SHA256 under ``MEDIA["SIGNING_KEY"]`` through ``django.core.signing``
with the salt below. Courses signs one while it answers a learner's lesson (whose enrollment it has
just checked); media reads it when the link is opened. Pure computation: no query, no call.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.utils import timezone

SALT = "nlc.media.download"
DOWNLOAD = "d"
STREAM = "s"
PURPOSES = frozenset({DOWNLOAD, STREAM})


class MediaLinkInvalidError(Exception):
    """The link's signature does not hold, or it grants nothing this format knows."""


class MediaLinkExpiredError(MediaLinkInvalidError):
    """The signature holds but the link is older than allowed."""


@dataclass(frozen=True)
class MediaLink:
    token: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class MediaLinkGrant:
    asset_id: UUID
    enrollment_id: UUID
    nonce: str
    purpose: str


def media_link_url(token: str) -> str:
    return f"{settings.MEDIA['PUBLIC_BASE_URL'].rstrip('/')}/media/downloads/{token}"


def media_link_sign(*, asset_id: UUID, enrollment_id: UUID, purpose: str = DOWNLOAD) -> MediaLink:
    """A fresh link: its token, its URL and when it expires (``MEDIA["DOWNLOAD_LINK_TTL_SECONDS"]``)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown media link purpose {purpose!r}")
    token = signing.dumps(
        {"a": asset_id.hex, "e": enrollment_id.hex, "n": secrets.token_urlsafe(12), "p": purpose},
        key=settings.MEDIA["SIGNING_KEY"],
        salt=SALT,
    )
    expires_at = timezone.now() + timedelta(seconds=settings.MEDIA["DOWNLOAD_LINK_TTL_SECONDS"])
    return MediaLink(token=token, url=media_link_url(token), expires_at=expires_at)


def media_link_read(token: str, *, max_age: int | timedelta) -> MediaLinkGrant:
    """What a link grants, if its signature holds and it is at most ``max_age`` seconds old.

    Raises MediaLinkExpiredError for an old link, MediaLinkInvalidError for anything else wrong.
    """
    try:
        claims = signing.loads(token, key=settings.MEDIA["SIGNING_KEY"], salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise MediaLinkExpiredError() from error
    except signing.BadSignature as error:
        raise MediaLinkInvalidError() from error
    try:
        grant = MediaLinkGrant(UUID(hex=claims["a"]), UUID(hex=claims["e"]), str(claims["n"]), str(claims["p"]))
    except (KeyError, TypeError, ValueError) as error:
        raise MediaLinkInvalidError() from error
    if grant.purpose not in PURPOSES:
        raise MediaLinkInvalidError()
    return grant
