"""What learners do with assets, counted from courses' progress events."""

from __future__ import annotations

import logging
from uuid import UUID

from django.db.models import F

from contexts.media.models import Asset, AssetUsage
from nlc.db.transactions import atomic

logger = logging.getLogger(__name__)


def asset_usage_count(
    *, asset_id: UUID, coach_id: UUID, play_started: bool, seconds_watched: int, completed: bool
) -> AssetUsage | None:
    """Add one report of a learner (courses.progress.updated v2) to the asset's counters. An asset
    media does not hold for that coach (unknown, or another coach's) is left alone: None."""
    if not (play_started or seconds_watched or completed):
        return None
    with atomic("media"):
        if not Asset.objects.filter(pk=asset_id, coach_id=coach_id).exists():
            logger.warning("media usage: no asset %s of coach %s, report ignored", asset_id, coach_id)
            return None
        AssetUsage.objects.get_or_create(asset_id=asset_id)
        AssetUsage.objects.filter(asset_id=asset_id).update(
            plays_started=F("plays_started") + int(play_started),
            seconds_watched=F("seconds_watched") + seconds_watched,
            completions=F("completions") + int(completed),
        )
        return AssetUsage.objects.get(asset_id=asset_id)
