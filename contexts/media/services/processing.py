"""Processing: media asks the provider how an asset's processing goes (Vimeo sends no webhook),
first soon after the upload and then less and less often, until it is ready or failed, and fails it
itself past its deadline.

At most one poll per asset runs at a time: a poller claims due assets under ``FOR UPDATE SKIP
LOCKED`` for a lease (``poll_claimed_until``, longer than any provider call) before calling out, so
another poller neither waits for nor picks them; the poll's outcome ends the claim and sets the next
time. A poller that dies loses its claim when the lease ends.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from contexts.media import events, rules, selectors
from contexts.media.models import POLLED_STATES, Asset, AssetKind, AssetState, UploadApproach
from contexts.media.providers import RateLimitedError, VideoStatus, video_provider_named
from contexts.media.providers.files import file_exists
from nlc.db.transactions import atomic
from nlc.errors import ProviderError

logger = logging.getLogger(__name__)

UPLOAD_EXPIRED = "The upload link expired before the file arrived."


def transcode_poll_due(*, limit: int = 100) -> int:
    """Poll every asset whose next poll is due (the beat task); answers how many were polled."""
    # One claim per asset: a lease then covers one provider call, however many are due.
    done = 0
    while done < limit and (claimed := _claim(limit=1)):
        _poll(claimed[0])
        done += 1
    return done


def asset_poll(*, asset_id: UUID) -> bool:
    """Poll one asset now if it is due and no other poller has it; answers whether it was polled."""
    if not _claim(limit=1, asset_id=asset_id):
        return False
    _poll(asset_id)
    return True


def asset_poll_now(*, asset_id: UUID) -> Asset | None:
    """Poll now rather than at the scheduled time (the coach portal says the bytes are sent) and
    start the backoff again; a poll already running is left to finish. None if no such asset."""
    Asset.objects.filter(id=asset_id, state__in=POLLED_STATES).update(next_poll_at=timezone.now(), poll_attempts=0)
    asset_poll(asset_id=asset_id)
    return Asset.objects.filter(id=asset_id).first()


def _claim(*, limit: int, asset_id: UUID | None = None) -> list[UUID]:
    now = timezone.now()
    lease = timedelta(seconds=settings.MEDIA["POLL_LEASE_SECONDS"])
    with atomic("media"):
        due = (
            Asset.objects.select_for_update(skip_locked=True)
            .filter(state__in=POLLED_STATES, next_poll_at__lte=now)
            .filter(Q(poll_claimed_until__isnull=True) | Q(poll_claimed_until__lte=now))
        )
        if asset_id is not None:
            due = due.filter(id=asset_id)
        claimed = list(due.order_by("next_poll_at").values_list("id", flat=True)[:limit])
        Asset.objects.filter(id__in=claimed).update(poll_claimed_until=now + lease)
    return claimed


def _poll(asset_id: UUID) -> None:
    asset = Asset.objects.select_related("upload").get(id=asset_id)
    external_id = selectors.asset_external_id(asset=asset)
    not_before = None
    try:
        status = _status_of(asset=asset, external_id=external_id)
    except RateLimitedError as error:
        status, not_before = None, error.retry_at
        logger.warning("media poll of %s rate-limited until %s", asset_id, error.retry_at)
    except ProviderError as error:
        if error.http_status == 404:  # the provider no longer has the video: nothing will change that
            status = VideoStatus(state="failed", reason=f"{asset.provider.capitalize()} no longer has this video.")
        else:
            # An outage passes; a refused or missing credential is ours to fix, not the asset's fault:
            # both are asked again later (and the deadline still applies).
            status = None
            log = logger.warning if error.retryable else logger.error
            log("media poll of %s failed, will retry: %s", asset_id, error.message)
    _apply(asset_id=asset_id, external_id=external_id, status=status, not_before=not_before)


def _status_of(*, asset: Asset, external_id: str) -> VideoStatus:
    upload = asset.upload
    if asset.kind == AssetKind.DOCUMENT:
        arrived = file_exists(name=external_id)
        status = VideoStatus(state="ready") if arrived else VideoStatus(state="uploading")
    else:
        status = video_provider_named(asset.provider).video_status(external_id=external_id)
    # A pulled file is fetched by the provider on its own time; bytes the browser sends must arrive in time.
    if status.state == "uploading" and upload.approach != UploadApproach.PULL and upload.expires_at <= timezone.now():
        return VideoStatus(state="failed", reason=UPLOAD_EXPIRED)
    return status


def _apply(*, asset_id: UUID, external_id: str, status: VideoStatus | None, not_before) -> None:
    now = timezone.now()
    limits = settings.MEDIA
    with atomic("media"):
        asset = Asset.objects.select_for_update().get(id=asset_id)
        asset.poll_claimed_until = None
        if asset.state not in POLLED_STATES:  # deleted while we asked
            asset.save(update_fields=["poll_claimed_until", "updated_at"])
            return
        asset.poll_attempts += 1
        if status is not None and status.state == "ready":
            _ready(asset, status=status, external_id=external_id, now=now)
        elif status is not None and status.state == "failed":
            _failed(asset, reason=status.reason, now=now)
        elif asset.processing_deadline and now >= asset.processing_deadline:
            hours = round(limits["PROCESSING_DEADLINE_SECONDS"] / 3600, 1)
            _failed(asset, reason=f"Processing did not finish within {hours:g} hours.", now=now)
        else:
            if status is not None:
                asset.state = AssetState.PROCESSING if status.state == "processing" else AssetState.UPLOADING
            asset.next_poll_at = rules.next_try_at(
                now=now,
                attempts=asset.poll_attempts - 1,
                first=limits["POLL_FIRST_SECONDS"],
                most=limits["POLL_MAX_SECONDS"],
                not_before=not_before,
            )
            if asset.processing_deadline:
                asset.next_poll_at = min(asset.next_poll_at, max(asset.processing_deadline, now))
            asset.save()


def _ready(asset: Asset, *, status: VideoStatus, external_id: str, now) -> None:
    asset.state = AssetState.READY
    asset.ready_at = now
    asset.next_poll_at = None
    asset.duration_seconds = status.duration_seconds
    asset.thumbnail_url = status.thumbnail_url
    asset.playback_url = status.playback_url
    asset.save()
    events.asset_ready_publish(asset=asset, external_id=external_id)


def _failed(asset: Asset, *, reason: str, now) -> None:
    asset.state = AssetState.FAILED
    asset.failed_at = now
    asset.next_poll_at = None
    asset.failure_reason = reason
    asset.save()
    events.asset_failed_publish(asset=asset)
