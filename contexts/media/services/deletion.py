"""Deletion: the asset is marked ``deleting`` at once, then deleted at its provider, again and
again with backoff until the provider confirms (a video it no longer has counts); only then is it
``deleted`` and media.asset.deleted published."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from contexts.media import events, rules, selectors
from contexts.media.models import Asset, AssetKind, AssetState
from contexts.media.providers import video_provider_named
from contexts.media.providers.files import file_delete
from contexts.media.services.uploads import storage_name_of
from nlc.db.transactions import atomic
from nlc.errors import ProviderError

logger = logging.getLogger(__name__)


def asset_delete(*, asset: Asset) -> Asset:
    """Start deleting ``asset`` (idempotent) and try its provider once now."""
    with atomic("media"):
        asset = Asset.objects.select_for_update().get(id=asset.id)
        if asset.state not in (AssetState.DELETING, AssetState.DELETED):
            asset.state = AssetState.DELETING
            asset.next_poll_at = None
            asset.next_delete_at = timezone.now()
            asset.save()
    if asset.state == AssetState.DELETING:
        asset_deletion_attempt(asset_id=asset.id)
        asset.refresh_from_db()
    return asset


def deletion_retry_due(*, limit: int = 100) -> int:
    """Try again every deletion that is due (the beat task); answers how many were tried."""
    # One claim per asset: a lease then covers one provider call, however many are due.
    done = 0
    while done < limit and (claimed := _claim(limit=1)):
        _attempt(claimed[0])
        done += 1
    return done


def asset_deletion_attempt(*, asset_id: UUID) -> bool:
    """Delete one asset at its provider now if due and not being tried elsewhere."""
    if not _claim(limit=1, asset_id=asset_id):
        return False
    _attempt(asset_id)
    return True


def _claim(*, limit: int, asset_id: UUID | None = None) -> list[UUID]:
    now = timezone.now()
    lease = timedelta(seconds=settings.MEDIA["POLL_LEASE_SECONDS"])
    with atomic("media"):
        due = Asset.objects.select_for_update(skip_locked=True).filter(
            state=AssetState.DELETING, next_delete_at__lte=now
        )
        if asset_id is not None:
            due = due.filter(id=asset_id)
        claimed = list(due.order_by("next_delete_at").values_list("id", flat=True)[:limit])
        Asset.objects.filter(id__in=claimed).update(next_delete_at=now + lease)
    return claimed


def _attempt(asset_id: UUID) -> None:
    asset = Asset.objects.get(id=asset_id)
    external_id = selectors.asset_external_id(asset=asset)
    try:
        if asset.kind == AssetKind.DOCUMENT or asset.provider == "local":
            file_delete(name=storage_name_of(asset=asset, external_id=external_id))
        else:
            video_provider_named(asset.provider).video_delete(external_id=external_id)
    except ProviderError as error:
        _retry_later(asset_id, error=error)
        return
    with atomic("media"):
        asset = Asset.objects.select_for_update().get(id=asset_id)
        asset.state = AssetState.DELETED
        asset.deleted_at = timezone.now()
        asset.next_delete_at = None
        asset.last_provider_error = ""
        asset.save()
        events.asset_deleted_publish(asset=asset)


def _retry_later(asset_id: UUID, *, error: ProviderError) -> None:
    limits = settings.MEDIA
    logger.warning("media deletion of %s failed, will retry: %s", asset_id, error.message)
    with atomic("media"):
        asset = Asset.objects.select_for_update().get(id=asset_id)
        asset.delete_attempts += 1
        asset.last_provider_error = error.message[:1000]
        asset.next_delete_at = rules.next_try_at(
            now=timezone.now(),
            attempts=asset.delete_attempts - 1,
            first=limits["DELETE_RETRY_FIRST_SECONDS"],
            most=limits["DELETE_RETRY_MAX_SECONDS"],
            not_before=getattr(error, "retry_at", None),
        )
        asset.save()
