"""Media assets of coaches, where each one is hosted, the uploads that bring their bytes, and what
learners do with them.

An asset is a video (hosted by a video provider: Vimeo, or ``local`` disk in development) or a
document (a file in the ``media`` storage: local disk or S3, by configuration). Its provider's id
lives in a :class:`ProviderMapping`, so moving an asset to another provider adds a row rather than
rewriting the asset. Other contexts are referenced by UUID columns (coach_id), never by foreign keys.
"""

from __future__ import annotations

from django.db import models

from nlc.db.models import TimeStampedModel, UUIDModel


class AssetKind(models.TextChoices):
    VIDEO = "video", "Video"
    DOCUMENT = "document", "Document (a downloadable file)"


class AssetState(models.TextChoices):
    UPLOADING = "uploading", "Waiting for its bytes"
    PROCESSING = "processing", "Processed by its provider"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    DELETING = "deleting", "Being deleted at its provider"
    DELETED = "deleted", "Deleted"


# States in which an asset still takes space (and counts against its coach's quota).
STORED_STATES = (AssetState.UPLOADING, AssetState.PROCESSING, AssetState.READY, AssetState.DELETING)
# States in which media asks the provider how processing goes.
POLLED_STATES = (AssetState.UPLOADING, AssetState.PROCESSING)


class Asset(TimeStampedModel):
    """A coach's video or document through its whole life: uploading -> processing -> ready (or
    failed), then deleting -> deleted. Deleted rows stay, so an old id answers with its state."""

    coach_id = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=16, choices=AssetKind.choices)
    title = models.CharField(max_length=200)
    content_type = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField()
    state = models.CharField(max_length=16, choices=AssetState.choices, default=AssetState.UPLOADING)
    provider = models.CharField(max_length=32, help_text="vimeo, local (videos) or storage (documents)")
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_url = models.URLField(max_length=2048, blank=True)
    # The provider's player URL (Vimeo's carries the privacy hash); empty when media serves the bytes.
    playback_url = models.URLField(max_length=2048, blank=True)
    failure_reason = models.CharField(max_length=1000, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Polling the provider while it processes: the next poll, how many were made, and when to give up.
    # A poller claims an asset until the end of its lease, so two never poll it at once.
    next_poll_at = models.DateTimeField(null=True, blank=True)
    poll_claimed_until = models.DateTimeField(null=True, blank=True)
    poll_attempts = models.PositiveIntegerField(default=0)
    processing_deadline = models.DateTimeField(null=True, blank=True)
    # Deleting at the provider until it confirms.
    next_delete_at = models.DateTimeField(null=True, blank=True)
    delete_attempts = models.PositiveIntegerField(default=0)
    last_provider_error = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(
                fields=["next_poll_at"], name="media_asset_poll_due", condition=models.Q(state__in=POLLED_STATES)
            ),
            models.Index(
                fields=["next_delete_at"], name="media_asset_delete_due", condition=models.Q(state=AssetState.DELETING)
            ),
            models.Index(fields=["coach_id", "state"], name="media_asset_coach_state"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.title!r} ({self.state})"


class Coach(models.Model):
    """A copy of a coach as auth announced it (auth.user.created): the demo data finds its coach by it."""

    id = models.UUIDField(primary_key=True, help_text="The coach id")
    email = models.EmailField(max_length=254, db_index=True)

    def __str__(self) -> str:
        return self.email


class CoachQuotaLock(models.Model):
    """One row per coach who uploaded: its row lock serializes the quota checks of one coach's
    uploads, so two at once cannot both take the last free bytes."""

    coach_id = models.UUIDField(primary_key=True)

    def __str__(self) -> str:
        return f"quota lock of {self.coach_id}"


class ProviderMapping(UUIDModel):
    """Where an asset's bytes live: the provider and its id there (a Vimeo video id, a storage name)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="mappings")
    provider = models.CharField(max_length=32)
    external_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], name="media_mapping_unique_external"),
            models.UniqueConstraint(fields=["asset", "provider"], name="media_mapping_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.external_id}"


class UploadApproach(models.TextChoices):
    TUS = "tus", "tus: the browser sends the bytes to the provider"
    PULL = "pull", "pull: the provider fetches the bytes from a URL"
    DIRECT = "direct", "direct: the browser sends the bytes to media (local video, documents)"


class Upload(TimeStampedModel):
    """How an asset's bytes arrive. A link is single-use (``used_at``) and expires (``expires_at``)."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, related_name="upload")
    coach_id = models.UUIDField(db_index=True)
    approach = models.CharField(max_length=8, choices=UploadApproach.choices)
    upload_link = models.URLField(max_length=2048, blank=True)
    source_url = models.URLField(max_length=2048, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.approach} upload of {self.asset_id}"


class AssetUsage(models.Model):
    """What learners did with an asset, counted by media from courses' progress events (downloads
    are the asset's :class:`DownloadRedemption` rows)."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, primary_key=True, related_name="usage")
    plays_started = models.PositiveIntegerField(default=0)
    seconds_watched = models.PositiveBigIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"usage of {self.asset_id}"


class DownloadRedemption(UUIDModel):
    """A signed download link that was used: each link works once (its nonce is unique)."""

    nonce = models.CharField(max_length=64, unique=True)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="downloads")
    enrollment_id = models.UUIDField(db_index=True)
    redeemed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"download of {self.asset_id} by enrollment {self.enrollment_id}"
