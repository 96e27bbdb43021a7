"""Downloads through signed links (see contexts/media/grants.py): a document, once per link, or a
local video's bytes, within the link's lifetime. Each use is counted on the asset's usage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.db import IntegrityError
from django.db.models import F

from contexts.media import selectors
from contexts.media.errors import DownloadLinkUsedError
from contexts.media.grants import DOWNLOAD, download_grant_read
from contexts.media.models import Asset, AssetKind, AssetState, AssetUsage, DownloadRedemption
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
    """Check the link, use it up (a download works once), open the file."""
    grant = download_grant_read(token=token)
    asset = Asset.objects.filter(id=grant.asset_id, state=AssetState.READY).first()
    if asset is None or not (asset.kind == AssetKind.DOCUMENT or asset.provider == "local"):
        raise NotFoundError.of("asset")
    with atomic("media"):
        if grant.purpose == DOWNLOAD:
            try:
                with atomic("media"):
                    DownloadRedemption.objects.create(nonce=grant.nonce, asset=asset, enrollment_id=grant.enrollment_id)
            except IntegrityError as error:
                raise DownloadLinkUsedError() from error
            AssetUsage.objects.get_or_create(asset=asset)
            AssetUsage.objects.filter(asset=asset).update(downloads=F("downloads") + 1)
        # Opened inside the transaction: a file that cannot be read leaves the link unused.
        name = storage_name_of(asset=asset, external_id=selectors.asset_external_id(asset=asset))
        with provider_call():
            content = file_open(name=name)
    return Download(asset=asset, content=content, as_attachment=grant.purpose == DOWNLOAD)
