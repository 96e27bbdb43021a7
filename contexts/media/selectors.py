"""Reads of the media context, scoped to the caller: a coach sees its own assets, an admin all.
A missing or not-visible row is None (the view answers 404)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet, Sum

from contexts.media.models import STORED_STATES, Asset, AssetUsage, ProviderMapping, Upload
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
    return AssetUsage.objects.filter(asset=asset).first() or AssetUsage(asset=asset)
