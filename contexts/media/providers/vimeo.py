"""Vimeo's REST API (3.4) for videos: created for a tus upload (the browser sends the bytes to
Vimeo, never through us) or pulled from a URL, private to the platform's embed domains, polled for
transcoding (Vimeo sends no webhook for it), deleted.

Privacy: ``view: disable`` hides the video on vimeo.com, ``embed: whitelist`` plus one
``PUT /videos/{id}/privacy/domains/{domain}`` per platform domain lets it play embedded there only.
A 429 answers :class:`RateLimitedError` with the time Vimeo's limit resets (``X-RateLimit-Reset``).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from contexts.media.providers.base import CreatedVideo, RateLimitedError, VideoStatus
from nlc.errors import ProviderError
from nlc.providers.http import http_failure, http_session
from nlc.time import parse_moment

logger = logging.getLogger(__name__)

PROVIDER = "vimeo"
ACCEPT = "application/vnd.vimeo.*+json;version=3.4"
STATUS_FIELDS = "uri,status,upload.status,transcode.status,is_playable,duration,player_embed_url,pictures.base_link"
PRIVACY = {"view": "disable", "embed": "whitelist", "download": False, "add": False, "comments": "nobody"}
EMBED = {
    "buttons": {"share": False, "embed": False, "like": False, "watchlater": False},
    "logos": {"vimeo": False},
    "title": {"name": "hide", "owner": "hide", "portrait": "hide"},
}
# Vimeo's deprecated overall `status` values that end processing for good.
FAILED_STATUSES = {
    "uploading_error": "The upload to Vimeo failed.",
    "transcoding_error": "Vimeo could not transcode the video.",
    "quota_exceeded": "The Vimeo account's upload quota is exceeded.",
    "total_cap_exceeded": "The Vimeo account's storage cap is exceeded.",
}

_sessions = threading.local()


def _session(timeout: float) -> requests.Session:
    session = getattr(_sessions, "session", None)
    if session is None or getattr(_sessions, "timeout", None) != timeout:
        session = http_session(timeout=timeout)
        _sessions.session, _sessions.timeout = session, timeout
    return session


class VimeoProvider:
    name = PROVIDER

    def __init__(self, *, access_token: str, api_base: str, timeout: float, embed_domains: list[str]):
        self.access_token = access_token
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout
        self.embed_domains = embed_domains

    @classmethod
    def from_settings(cls) -> VimeoProvider:
        return cls(
            access_token=settings.VIMEO_ACCESS_TOKEN,
            api_base=settings.VIMEO_API_BASE,
            timeout=settings.MEDIA["VIMEO_TIMEOUT_SECONDS"],
            embed_domains=list(settings.MEDIA["EMBED_DOMAINS"]),
        )

    # --- the interface ----------------------------------------------------------------------------
    def video_create(self, *, title: str, size_bytes: int) -> CreatedVideo:
        return self._create(title=title, upload={"approach": "tus", "size": size_bytes})

    def video_pull(self, *, title: str, size_bytes: int, source_url: str) -> CreatedVideo:
        return self._create(title=title, upload={"approach": "pull", "size": size_bytes, "link": source_url})

    def video_status(self, *, external_id: str) -> VideoStatus:
        video = self._request("GET", f"/videos/{external_id}", params={"fields": STATUS_FIELDS})
        return _status_of(video)

    def video_delete(self, *, external_id: str) -> None:
        try:
            self._request("DELETE", f"/videos/{external_id}")
        except ProviderError as error:
            if error.http_status != 404:  # already gone is what we wanted
                raise

    # --- helpers ---------------------------------------------------------------------------------
    def _create(self, *, title: str, upload: dict[str, Any]) -> CreatedVideo:
        body = {"upload": upload, "name": title, "privacy": PRIVACY, "embed": EMBED}
        video = self._request("POST", "/me/videos", json=body)
        external_id = str(video["uri"]).rsplit("/", 1)[-1]
        try:
            for domain in self.embed_domains:
                self._request("PUT", f"/videos/{external_id}/privacy/domains/{quote(domain, safe='')}")
        except ProviderError:
            self._forget(external_id)
            raise
        upload_link = (video.get("upload") or {}).get("upload_link") if upload["approach"] == "tus" else None
        return CreatedVideo(external_id=external_id, upload_link=upload_link)

    def _forget(self, external_id: str) -> None:
        """Delete a video whose privacy could not be set: it must not stay at Vimeo half-private."""
        try:
            self.video_delete(external_id=external_id)
        except ProviderError:
            logger.warning("vimeo video %s left behind after a failed privacy setup", external_id)

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if not self.access_token:
            raise ProviderError("VIMEO_ACCESS_TOKEN is not set", provider=PROVIDER, retryable=False, configured=False)
        headers = {"Authorization": f"bearer {self.access_token}", "Accept": ACCEPT}
        try:
            response = _session(self.timeout).request(method, self.api_base + path, headers=headers, **kwargs)
        except requests.RequestException as error:
            raise http_failure(PROVIDER, error=error) from error
        if response.status_code == 429:
            raise RateLimitedError("Vimeo rate limit reached", provider=PROVIDER, retry_at=_reset_of(response.headers))
        if response.status_code >= 400:
            failure = http_failure(PROVIDER, response=response)
            failure.provider_code = _error_code(response)
            raise failure
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise ProviderError(
                "Vimeo answered something that is not JSON", provider=PROVIDER, retryable=True
            ) from error


def _status_of(video: dict[str, Any]) -> VideoStatus:
    upload = (video.get("upload") or {}).get("status")
    transcode = (video.get("transcode") or {}).get("status")
    status = video.get("status")
    if upload == "error" or transcode == "error" or status in FAILED_STATUSES:
        reason = FAILED_STATUSES.get(status or "") or (
            FAILED_STATUSES["uploading_error"] if upload == "error" else FAILED_STATUSES["transcoding_error"]
        )
        return VideoStatus(state="failed", reason=reason)
    if transcode == "complete" and video.get("is_playable"):
        duration = video.get("duration")
        return VideoStatus(
            state="ready",
            duration_seconds=int(duration) if isinstance(duration, int | float) else None,
            thumbnail_url=str((video.get("pictures") or {}).get("base_link") or ""),
            playback_url=str(video.get("player_embed_url") or ""),
        )
    if upload in (None, "in_progress"):
        return VideoStatus(state="uploading")
    return VideoStatus(state="processing")


def _reset_of(headers: Any) -> datetime | None:
    value = headers.get("X-RateLimit-Reset")
    if not value:
        return None
    try:
        return parse_moment(value)
    except ValueError:
        return None


def _error_code(response: requests.Response) -> str | None:
    try:
        code = response.json().get("error_code")
    except (ValueError, AttributeError):
        return None
    return str(code) if code is not None else None
