"""Every error of the media context, in domain words; the API layer maps each kind to its status."""

from __future__ import annotations

from nlc.errors import ConflictError, InvalidInputError, NotPermittedError, TooLargeError


class ContentTypeNotAllowedError(InvalidInputError):
    code = "content_type_not_allowed"
    message = "This content type cannot be uploaded as this kind of asset."


class AssetTooLargeError(TooLargeError):
    code = "asset_too_large"
    message = "The file is larger than this kind of asset may be."


class StorageQuotaExceededError(ConflictError):
    code = "storage_quota_exceeded"
    message = "This upload would exceed the coach's storage quota."


class PullNotSupportedError(InvalidInputError):
    code = "pull_not_supported"
    message = "This provider cannot fetch a video from a URL; upload the file instead."


class UploadLinkUsedError(ConflictError):
    code = "upload_link_used"
    message = "This upload link was used already; ask for a new upload."


class UploadLinkExpiredError(ConflictError):
    code = "upload_link_expired"
    message = "This upload link has expired; ask for a new upload."


class UploadNotDirectError(ConflictError):
    code = "upload_not_direct"
    message = "The bytes of this upload go to the provider's upload link, not to media."


class UploadContentMismatchError(InvalidInputError):
    code = "upload_content_mismatch"
    message = "The bytes sent do not match the upload's declared content type and size."


class AssetDeletedError(ConflictError):
    code = "asset_deleted"
    message = "This asset was deleted."


class DownloadLinkInvalidError(NotPermittedError):
    code = "download_link_invalid"
    message = "This download link is not valid."


class DownloadLinkExpiredError(NotPermittedError):
    code = "download_link_expired"
    message = "This download link has expired; open the lesson again for a new one."


class DownloadLinkUsedError(NotPermittedError):
    code = "download_link_used"
    message = "This download link was used already; open the lesson again for a new one."


class AssetNotDownloadableError(ConflictError):
    code = "asset_not_downloadable"
    message = "This asset is not a ready file media serves."
