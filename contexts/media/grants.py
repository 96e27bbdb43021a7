"""Signed download links: the one format media and courses agree on (docs/decisions/0006).

A link names the asset and the learner's enrollment, carries a random nonce and the time it was
signed, and is signed with HMAC-SHA256 under ``MEDIA["SIGNING_KEY"]`` (shared with courses) through
``django.core.signing`` with the salt below. Courses signs one while it answers a learner's lesson
(whose enrollment it has just checked); media checks it when the link is opened: signature, age at
most ``MEDIA["DOWNLOAD_LINK_TTL_SECONDS"]``, and for a download (purpose ``d``) that it was never
used before. A stream (purpose ``s``: a local video the player reads in several requests) may be
read again within its lifetime. Nothing here touches the database, so signing costs microseconds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.utils import timezone

from contexts.media.errors import DownloadLinkExpiredError, DownloadLinkInvalidError

SALT = "nlc.media.download"
DOWNLOAD = "d"
STREAM = "s"
PURPOSES = frozenset({DOWNLOAD, STREAM})


@dataclass(frozen=True)
class DownloadGrant:
    asset_id: UUID
    enrollment_id: UUID
    nonce: str
    purpose: str


def download_link_sign(*, asset_id: UUID, enrollment_id: UUID, purpose: str = DOWNLOAD) -> tuple[str, datetime]:
    """The URL of a fresh link and when it expires."""
    token = signing.dumps(
        {"a": asset_id.hex, "e": enrollment_id.hex, "n": secrets.token_urlsafe(12), "p": purpose},
        key=settings.MEDIA["SIGNING_KEY"],
        salt=SALT,
    )
    expires_at = timezone.now() + timedelta(seconds=settings.MEDIA["DOWNLOAD_LINK_TTL_SECONDS"])
    return f"{settings.MEDIA['PUBLIC_BASE_URL'].rstrip('/')}/media/downloads/{token}", expires_at


def download_grant_read(*, token: str) -> DownloadGrant:
    """What a link grants, if its signature holds and it is young enough."""
    try:
        claims = signing.loads(
            token, key=settings.MEDIA["SIGNING_KEY"], salt=SALT, max_age=settings.MEDIA["DOWNLOAD_LINK_TTL_SECONDS"]
        )
    except signing.SignatureExpired as error:
        raise DownloadLinkExpiredError() from error
    except signing.BadSignature as error:
        raise DownloadLinkInvalidError() from error
    try:
        grant = DownloadGrant(UUID(hex=claims["a"]), UUID(hex=claims["e"]), str(claims["n"]), str(claims["p"]))
    except (KeyError, TypeError, ValueError) as error:
        raise DownloadLinkInvalidError() from error
    if grant.purpose not in PURPOSES:
        raise DownloadLinkInvalidError()
    return grant
