"""What the media context publishes; payloads follow docs/contracts/events/media/.

Each function is called by a service inside its transaction on the media alias, with the asset row
locked, so one asset's events leave in commit order. created, ready and failed have two versions:
v1 knows only the ``vimeo`` provider, v2 any provider (and the player URL). Every consumer
(courses) accepts v2 now, so every asset travels as v2 (docs/decisions/0006); ``V1_PROVIDERS`` names
the providers that would still travel as v1.
"""

from __future__ import annotations

from django.utils import timezone

from contexts.media.models import Asset
from nlc.events import publish

ASSET_CREATED = "media.asset.created"
ASSET_READY = "media.asset.ready"
ASSET_FAILED = "media.asset.failed"
ASSET_DELETED = "media.asset.deleted"
V1_PROVIDERS: frozenset[str] = frozenset()


def _version_for(asset: Asset) -> int:
    return 1 if asset.provider in V1_PROVIDERS else 2


def asset_created_publish(*, asset: Asset) -> dict:
    return publish(
        ASSET_CREATED,
        {
            "assetId": asset.id,
            "coachId": asset.coach_id,
            "kind": asset.kind,
            "title": asset.title,
            "provider": asset.provider,
            "contentType": asset.content_type,
            "sizeBytes": asset.size_bytes,
            "createdAt": asset.created_at,
        },
        aggregate_id=asset.id,
        version=_version_for(asset),
    )


def asset_ready_publish(*, asset: Asset, external_id: str) -> dict:
    version = _version_for(asset)
    payload = {
        "assetId": asset.id,
        "coachId": asset.coach_id,
        "kind": asset.kind,
        "provider": asset.provider,
        "externalId": external_id,
        "durationSeconds": asset.duration_seconds,
        "thumbnailUrl": asset.thumbnail_url or None,
        "readyAt": asset.ready_at,
    }
    if version >= 2:
        payload["playbackUrl"] = asset.playback_url or None
    return publish(ASSET_READY, payload, aggregate_id=asset.id, version=version)


def asset_failed_publish(*, asset: Asset) -> dict:
    return publish(
        ASSET_FAILED,
        {
            "assetId": asset.id,
            "coachId": asset.coach_id,
            "kind": asset.kind,
            "provider": asset.provider,
            "reason": asset.failure_reason,
            "failedAt": asset.failed_at,
        },
        aggregate_id=asset.id,
        version=_version_for(asset),
    )


def asset_deleted_publish(*, asset: Asset) -> dict:
    return publish(
        ASSET_DELETED,
        {
            "assetId": asset.id,
            "coachId": asset.coach_id,
            "kind": asset.kind,
            "deletedAt": asset.deleted_at or timezone.now(),
        },
        aggregate_id=asset.id,
    )
