"""Downloads through signed links (see contexts/media/grants.py): a document, once per link, or a
local video's bytes, within the link's lifetime.

This is a learner's hot path: two round trips to the database (the asset with its provider id; the
use of the link, which its unique nonce makes single). The downloads
of an asset are its recorded uses, counted when usage is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.db import IntegrityError
from django.db.models import OuterRef, Q, Subquery

from contexts.media.errors import DownloadLinkUsedError
from contexts.media.grants import DOWNLOAD, download_grant_read
from contexts.media.models import Asset, AssetKind, AssetState, DownloadRedemption, ProviderMapping
from contexts.media.providers.files import file_open
from contexts.media.services.uploads import storage_name_of
from nlc.db.transactions import atomic
from nlc.errors import NotFoundError, provider_call


@dataclass(frozen=True)
class Download:
    asset: Asset
    content: IO[bytes]
    as_attachment: bool


def download_open(*, token: str) -> Download:
    """Check the link, open the file, use the link up (a download works once)."""
    grant = download_grant_read(token=token)
    external_ids = ProviderMapping.objects.filter(asset=OuterRef("pk"), provider=OuterRef("provider"))
    asset = (
        Asset.objects.filter(id=grant.asset_id, state=AssetState.READY)
        .filter(Q(kind=AssetKind.DOCUMENT) | Q(provider="local"))
        .annotate(external_id=Subquery(external_ids.values("external_id")[:1]))
        .first()
    )
    if asset is None:
        raise NotFoundError.of("asset")
    # Opened first: a file that cannot be read leaves the link unused.
    with provider_call():
        content = file_open(name=storage_name_of(asset=asset, external_id=asset.external_id))
    if grant.purpose == DOWNLOAD:
        try:
            with atomic("media"):  # a savepoint inside a caller's transaction, so a used link leaves it usable
                DownloadRedemption.objects.create(nonce=grant.nonce, asset=asset, enrollment_id=grant.enrollment_id)
        except IntegrityError as error:
            content.close()
            raise DownloadLinkUsedError() from error
    return Download(asset=asset, content=content, as_attachment=grant.purpose == DOWNLOAD)
