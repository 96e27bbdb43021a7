"""Writes of the media context: uploads, processing (polling the provider), deletion, usage counters.

Re-exported here so callers import ``contexts.media.services``; each module owns its transactions
(on the media alias) and publishes its events in them.
"""

from contexts.media.services.copies import coach_copy_save
from contexts.media.services.deletion import asset_delete, asset_deletion_attempt, deletion_retry_due
from contexts.media.services.downloads import Download, download_open
from contexts.media.services.processing import asset_poll, asset_poll_now, transcode_poll_due
from contexts.media.services.uploads import upload_content_receive, upload_create
from contexts.media.services.usage import asset_usage_count

__all__ = [
    "Download",
    "asset_delete",
    "asset_deletion_attempt",
    "asset_poll",
    "asset_poll_now",
    "asset_usage_count",
    "coach_copy_save",
    "deletion_retry_due",
    "download_open",
    "transcode_poll_due",
    "upload_content_receive",
    "upload_create",
]
