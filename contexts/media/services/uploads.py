"""Uploads: refused before any link is issued when the type, the size or the coach's quota says no;
a video is created at its provider first (Vimeo: tus, private to the platform's domains), so the
browser sends the bytes straight there. Documents and local videos come to media through a
single-use link that expires."""

from __future__ import annotations

import logging
import math
import tempfile
import uuid
from datetime import timedelta
from typing import IO
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from contexts.media import events, rules, selectors
from contexts.media.errors import (
    PullNotSupportedError,
    StorageQuotaExceededError,
    UploadContentMismatchError,
    UploadLinkExpiredError,
    UploadLinkUsedError,
    UploadNotDirectError,
)
from contexts.media.models import (
    Asset,
    AssetKind,
    AssetState,
    CoachQuotaLock,
    ProviderMapping,
    Upload,
    UploadApproach,
)
from contexts.media.providers import RateLimitedError, video_provider, video_provider_named
from contexts.media.providers.files import file_save
from contexts.media.providers.local import LocalVideoProvider, local_video_name
from contexts.media.services.processing import asset_poll
from nlc.db.transactions import atomic
from nlc.errors import DomainError, ProviderError, provider_failure

logger = logging.getLogger(__name__)

STORAGE_PROVIDER = "storage"
CHUNK_BYTES = 1024 * 1024


def upload_create(
    *, coach_id: UUID, kind: str, title: str, content_type: str, size_bytes: int, source_url: str = ""
) -> Upload:
    """A new asset in ``uploading`` and where its bytes go; publishes media.asset.created."""
    limits = settings.MEDIA
    rules.upload_check(
        kind=kind,
        content_type=content_type,
        size_bytes=size_bytes,
        stored_bytes=selectors.coach_stored_bytes(coach_id=coach_id),
        limits=limits,
    )
    asset_id = uuid.uuid4()
    upload_link = ""
    if kind == AssetKind.VIDEO:
        provider = video_provider()
        if source_url and provider.name == LocalVideoProvider.name:
            raise PullNotSupportedError(field_errors={"source_url": [PullNotSupportedError.message]})
        try:
            if source_url:
                created = provider.video_pull(title=title, size_bytes=size_bytes, source_url=source_url)
            else:
                created = provider.video_create(title=title, size_bytes=size_bytes)
        except ProviderError as error:
            raise _provider_failure(error) from error
        provider_name, external_id = provider.name, created.external_id
        approach = (
            UploadApproach.PULL
            if source_url
            else (UploadApproach.TUS if created.upload_link else UploadApproach.DIRECT)
        )
        upload_link = created.upload_link or ""
    else:
        if source_url:
            raise PullNotSupportedError(
                "Documents are uploaded, not fetched from a URL.", field_errors={"source_url": ["Upload the file."]}
            )
        provider_name, external_id, approach = (
            STORAGE_PROVIDER,
            f"documents/{coach_id}/{asset_id}",
            UploadApproach.DIRECT,
        )
    upload_id = uuid.uuid4()
    if approach == UploadApproach.DIRECT:
        upload_link = f"{limits['PUBLIC_BASE_URL'].rstrip('/')}/media/uploads/{upload_id}/content"
    try:
        return _upload_save(
            coach_id=coach_id,
            asset_id=asset_id,
            upload_id=upload_id,
            fields={"kind": kind, "title": title, "content_type": content_type, "size_bytes": size_bytes},
            provider_name=provider_name,
            external_id=external_id,
            approach=approach,
            upload_link=upload_link,
            source_url=source_url,
        )
    except StorageQuotaExceededError:
        # Another upload of the coach took the space while the provider was asked.
        if kind == AssetKind.VIDEO:
            _provider_video_forget(provider_name=provider_name, external_id=external_id)
        raise


def _upload_save(
    *,
    coach_id: UUID,
    asset_id: UUID,
    upload_id: UUID,
    fields: dict,
    provider_name: str,
    external_id: str,
    approach: str,
    upload_link: str,
    source_url: str,
) -> Upload:
    limits = settings.MEDIA
    now = timezone.now()
    with atomic("media"):
        CoachQuotaLock.objects.get_or_create(coach_id=coach_id)
        CoachQuotaLock.objects.select_for_update().get(coach_id=coach_id)
        stored_bytes = selectors.coach_stored_bytes(coach_id=coach_id)
        rules.quota_check(size_bytes=fields["size_bytes"], stored_bytes=stored_bytes, limits=limits)
        asset = Asset.objects.create(
            id=asset_id,
            coach_id=coach_id,
            **fields,
            provider=provider_name,
            # Direct uploads are looked at once their bytes arrive; the provider's are polled from now on.
            next_poll_at=now
            + timedelta(
                seconds=limits["POLL_FIRST_SECONDS"]
                if approach != UploadApproach.DIRECT
                else limits["UPLOAD_LINK_TTL_SECONDS"]
            ),
            processing_deadline=now + timedelta(seconds=limits["PROCESSING_DEADLINE_SECONDS"]),
        )
        ProviderMapping.objects.create(asset=asset, provider=provider_name, external_id=external_id)
        upload = Upload.objects.create(
            id=upload_id,
            asset=asset,
            coach_id=coach_id,
            approach=approach,
            upload_link=upload_link,
            source_url=source_url,
            expires_at=now + timedelta(seconds=limits["UPLOAD_LINK_TTL_SECONDS"]),
        )
        events.asset_created_publish(asset=asset)
    return upload


def _provider_failure(error: ProviderError) -> DomainError:
    """The kernel's answer to a provider failure; a rate limit says when Vimeo lets us in again."""
    failure = provider_failure(error)
    retry_at = getattr(error, "retry_at", None)
    if isinstance(error, RateLimitedError) and retry_at is not None:
        failure.retry_after = max(1, math.ceil((retry_at - timezone.now()).total_seconds()))
    return failure


def _provider_video_forget(*, provider_name: str, external_id: str) -> None:
    try:
        video_provider_named(provider_name).video_delete(external_id=external_id)
    except ProviderError:
        logger.warning("%s video %s left behind after a refused upload", provider_name, external_id)


def storage_name_of(*, asset: Asset, external_id: str) -> str:
    """Where in the media storage an asset's bytes are (documents and local videos)."""
    return external_id if asset.kind == AssetKind.DOCUMENT else local_video_name(external_id)


def upload_content_receive(*, upload: Upload, content: IO[bytes], content_type: str) -> Asset:
    """Take the bytes of a direct upload, once and before the link expires; the asset is then
    looked at at once (a document or a local video is ready)."""
    spooled = _spool(content, limit=upload.asset.size_bytes)
    with atomic("media"):
        upload = Upload.objects.select_for_update().select_related("asset").get(id=upload.id)
        asset = upload.asset
        _usable_check(upload=upload, content_type=content_type, received=spooled.tell())
        upload.used_at = timezone.now()
        upload.save(update_fields=["used_at", "updated_at"])
        spooled.seek(0)
        file_save(
            name=storage_name_of(asset=asset, external_id=selectors.asset_external_id(asset=asset)), content=spooled
        )
        Asset.objects.filter(id=asset.id).update(next_poll_at=timezone.now())
    spooled.close()
    asset_poll(asset_id=asset.id)
    asset.refresh_from_db()
    return asset


def _usable_check(*, upload: Upload, content_type: str, received: int) -> None:
    asset = upload.asset
    if upload.approach != UploadApproach.DIRECT:
        raise UploadNotDirectError()
    if upload.used_at is not None or asset.state != AssetState.UPLOADING:
        raise UploadLinkUsedError()
    if upload.expires_at <= timezone.now():
        raise UploadLinkExpiredError()
    declared = asset.content_type.split(";")[0].strip().lower()
    if content_type.split(";")[0].strip().lower() != declared or received != asset.size_bytes:
        raise UploadContentMismatchError(
            details={
                "expectedContentType": asset.content_type,
                "expectedSizeBytes": asset.size_bytes,
                "receivedSizeBytes": received,
            }
        )


def _spool(content: IO[bytes], *, limit: int) -> tempfile.SpooledTemporaryFile:
    """The request's bytes in a temporary file, reading at most one byte more than ``limit``."""
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK_BYTES)  # noqa: SIM115 - closed by the caller
    remaining = limit + 1
    while remaining > 0:
        chunk = content.read(min(CHUNK_BYTES, remaining))
        if not chunk:
            break
        spooled.write(chunk)
        remaining -= len(chunk)
    return spooled
