"""The Django admin shows media's rows read-only: they change through the API's services and polls."""

from django.contrib import admin

from contexts.media.models import Asset, AssetUsage, DownloadRedemption, ProviderMapping, Upload
from nlc.admin import ReadOnlyAdmin


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "state", "provider", "coach_id", "size_bytes", "created_at")
    list_filter = ("kind", "state", "provider")
    search_fields = ("title", "=id", "=coach_id")


@admin.register(ProviderMapping)
class ProviderMappingAdmin(ReadOnlyAdmin):
    list_display = ("provider", "external_id", "asset", "created_at")
    list_filter = ("provider",)
    search_fields = ("=external_id",)


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = ("asset", "approach", "expires_at", "used_at")
    list_filter = ("approach",)


@admin.register(AssetUsage)
class AssetUsageAdmin(ReadOnlyAdmin):
    list_display = ("asset", "plays_started", "seconds_watched", "completions", "updated_at")


@admin.register(DownloadRedemption)
class DownloadRedemptionAdmin(ReadOnlyAdmin):
    list_display = ("asset", "enrollment_id", "redeemed_at")
