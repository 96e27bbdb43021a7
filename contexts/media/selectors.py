"""Reads of the media context, scoped to the caller: a coach sees its own assets, an admin all.
A missing or not-visible row is None (the view answers 404)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models
from django.db.models import Count, QuerySet, Sum

from contexts.media.models import STORED_STATES, Asset, AssetUsage, DownloadRedemption, ProviderMapping, Upload
from nlc.api.principal import Principal
from nlc.api.scoping import scope_to_principal


def _assets_of(principal: Principal) -> QuerySet[Asset]:
    return scope_to_principal(Asset.objects.all(), principal)


def asset_get(*, principal: Principal, asset_id: UUID) -> Asset | None:
    return _assets_of(principal).filter(id=asset_id).first()


def asset_list(*, principal: Principal, filters: dict[str, Any]) -> QuerySet[Asset]:
    assets = _assets_of(principal)
    for name in ("state", "kind", "coach_id"):
        if filters.get(name):
            assets = assets.filter(**{name: filters[name]})
    return assets


def upload_get(*, principal: Principal, upload_id: UUID) -> Upload | None:
    return scope_to_principal(Upload.objects.select_related("asset"), principal).filter(id=upload_id).first()


def asset_external_id(*, asset: Asset) -> str:
    """The asset's id at the provider it lives at."""
    return ProviderMapping.objects.values_list("external_id", flat=True).get(asset=asset, provider=asset.provider)


def coach_stored_bytes(*, coach_id: UUID) -> int:
    """What a coach's assets take, deleted ones aside (what the quota counts)."""
    total = Asset.objects.filter(coach_id=coach_id, state__in=STORED_STATES).aggregate(total=Sum("size_bytes"))
    return int(total["total"] or 0)


def asset_usage_get(*, asset: Asset) -> AssetUsage:
    """The asset's counters (zeros before any), with ``downloads``: how many links were used."""
    usage = AssetUsage.objects.filter(asset=asset).first() or AssetUsage(asset=asset)
    usage.downloads = DownloadRedemption.objects.filter(asset=asset).count()  # type: ignore[attr-defined]
    return usage


def coach_storage_list(*, principal: Principal, filters: dict[str, Any]) -> QuerySet:
    """Storage used per coach (deleted assets aside), biggest first: a coach's own row, every coach's
    for an admin. Rows are dicts with coach_id, stored_bytes, asset_count and quota_bytes."""
    assets = _assets_of(principal).filter(state__in=STORED_STATES)
    if filters.get("coach_id"):
        assets = assets.filter(coach_id=filters["coach_id"])
    return (
        assets.values("coach_id")
        .annotate(stored_bytes=Sum("size_bytes"), asset_count=Count("id"))
        .annotate(quota_bytes=models.Value(settings.MEDIA["COACH_QUOTA_BYTES"], output_field=models.BigIntegerField()))
        .order_by("-stored_bytes", "coach_id")
    )
