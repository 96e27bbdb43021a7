"""Local copies of other contexts' data: the coaches (auth) and the media assets (media)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.utils import timezone

from contexts.courses.models import Coach, Course, Lesson, MediaAsset, MediaState
from contexts.courses.services.authoring import _structure_changed
from nlc.db.transactions import atomic


def coach_copy_save(*, coach_id: UUID, email: str, first_name: str, last_name: str, created_at: datetime) -> Coach:
    """Keep the local copy of a coach announced by auth (auth.user.created)."""
    with atomic("courses"):
        coach, _ = Coach.objects.update_or_create(
            id=coach_id,
            defaults={"email": email.strip().lower(), "first_name": first_name, "last_name": last_name},
            create_defaults={
                "email": email.strip().lower(),
                "first_name": first_name,
                "last_name": last_name,
                "created_at": created_at,
            },
        )
    return coach


def media_asset_state_apply(
    *,
    asset_id: UUID,
    coach_id: UUID,
    kind: str,
    state: str,
    changed_at: datetime,
    duration_seconds: int | None = None,
    provider: str | None = None,
    external_id: str | None = None,
    playback_url: str | None = None,
) -> int:
    """Record what media says of an asset, and bring every lesson of the coach that uses it along.

    Events older than what is known are ignored, and a deleted asset stays deleted. ``provider``,
    ``external_id`` and ``playback_url`` are kept when given (what a learner's player needs). Returns
    how many lessons changed.
    """
    with atomic("courses"):
        asset = MediaAsset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is not None and (asset.state == MediaState.DELETED or asset.changed_at > changed_at):
            return 0
        if asset is None:
            asset = MediaAsset(id=asset_id, coach_id=coach_id, kind=kind)
        asset.state, asset.changed_at = state, changed_at
        if duration_seconds is not None:
            asset.duration_seconds = duration_seconds
        if provider is not None:
            asset.provider = provider
        if external_id is not None:
            asset.external_id = external_id
        if playback_url is not None:
            asset.playback_url = playback_url
        asset.save()
        changes: dict[str, Any] = {"media_state": state, "updated_at": timezone.now()}
        if duration_seconds is not None:
            changes["duration_seconds"] = duration_seconds
        # Courses first, as every structure change locks them, then their lessons.
        using_it = Lesson.objects.filter(media_asset_id=asset_id).values("course_id")
        courses = Course.objects.select_for_update().filter(coach_id=coach_id, pk__in=using_it).order_by("pk")
        changed = 0
        for course in courses:
            changed += Lesson.objects.filter(course=course, media_asset_id=asset_id).update(**changes)
            _structure_changed(course)
    return changed
