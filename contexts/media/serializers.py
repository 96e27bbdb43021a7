"""Input and output shapes of the media API (camelCase on the wire)."""

from __future__ import annotations

from rest_framework import serializers

from contexts.media.models import AssetKind, AssetState, UploadApproach
from nlc.api.serializers import CamelCaseSerializer


class AssetSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=AssetKind.choices)
    title = serializers.CharField()
    contentType = serializers.CharField()
    sizeBytes = serializers.IntegerField()
    state = serializers.ChoiceField(choices=AssetState.choices)
    provider = serializers.CharField(help_text="vimeo, local or storage")
    durationSeconds = serializers.IntegerField(allow_null=True)
    thumbnailUrl = serializers.CharField(help_text="Empty until the provider made one")
    playbackUrl = serializers.CharField(help_text="The provider's player URL; empty when media serves the bytes")
    failureReason = serializers.CharField(help_text="Why it failed, for the coach; empty otherwise")
    createdAt = serializers.DateTimeField()
    readyAt = serializers.DateTimeField(allow_null=True)
    failedAt = serializers.DateTimeField(allow_null=True)
    deletedAt = serializers.DateTimeField(allow_null=True)


class AssetFilterSerializer(CamelCaseSerializer):
    state = serializers.ChoiceField(choices=AssetState.choices, required=False)
    kind = serializers.ChoiceField(choices=AssetKind.choices, required=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins only; a coach sees its own")


class UploadCreateSerializer(CamelCaseSerializer):
    kind = serializers.ChoiceField(choices=AssetKind.choices)
    title = serializers.CharField(max_length=200)
    contentType = serializers.CharField(max_length=255)
    sizeBytes = serializers.IntegerField(min_value=1)
    sourceUrl = serializers.URLField(
        max_length=2048, required=False, default="", help_text="Videos: the provider fetches the file from here"
    )


class UploadSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    approach = serializers.ChoiceField(choices=UploadApproach.choices)
    uploadLink = serializers.CharField(
        help_text="tus: the provider's tus link (PATCH the bytes there); direct: PUT the bytes here; pull: empty"
    )
    expiresAt = serializers.DateTimeField()
    asset = AssetSerializer()


class UsageSerializer(CamelCaseSerializer):
    assetId = serializers.UUIDField()
    playsStarted = serializers.IntegerField()
    secondsWatched = serializers.IntegerField()
    completions = serializers.IntegerField()
    downloads = serializers.IntegerField(help_text="Signed download links used")


class StorageSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField()
    storedBytes = serializers.IntegerField(help_text="Every asset not deleted, as the quota counts")
    quotaBytes = serializers.IntegerField()
    assetCount = serializers.IntegerField()


class StorageFilterSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField(required=False, help_text="Admins only; a coach sees its own")
