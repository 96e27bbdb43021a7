"""Media rows for tests, built as the services leave them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import factory
from django.utils import timezone

from contexts.media.models import Asset, AssetKind, AssetState, ProviderMapping, Upload, UploadApproach
from nlc.testing.principals import COACH_ID


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    coach_id = COACH_ID
    kind = AssetKind.VIDEO
    title = factory.Sequence(lambda n: f"Lesson video {n}")
    content_type = "video/mp4"
    size_bytes = 1_057_149
    state = AssetState.UPLOADING
    provider = "vimeo"
    next_poll_at = factory.LazyFunction(timezone.now)
    processing_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=6))


class ProviderMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderMapping

    asset = factory.SubFactory(AssetFactory)
    provider = factory.SelfAttribute("asset.provider")
    external_id = factory.LazyFunction(lambda: uuid.uuid4().hex)


class UploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Upload

    asset = factory.SubFactory(AssetFactory)
    coach_id = factory.SelfAttribute("asset.coach_id")
    approach = UploadApproach.TUS
    upload_link = "https://files.tus.vimeo.com/files/vimeo-prod-src-tus-eu/1"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
