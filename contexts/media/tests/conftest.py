import pytest

from contexts.media.tests.fake_vimeo import ACCESS_TOKEN, FakeVimeo

EMBED_DOMAIN = "learn.example.com"


@pytest.fixture(autouse=True)
def media_settings(settings, tmp_path):
    """Small, fast limits and a storage of the test's own; videos on the local provider unless a
    test asks for the fake Vimeo."""
    settings.MEDIA = {
        **settings.MEDIA,
        "VIDEO_PROVIDER": "local",
        "EMBED_DOMAINS": [EMBED_DOMAIN],
        "MAX_VIDEO_BYTES": 5_000_000,
        "MAX_DOCUMENT_BYTES": 1_000_000,
        "COACH_QUOTA_BYTES": 8_000_000,
        "UPLOAD_LINK_TTL_SECONDS": 3600,
        "POLL_FIRST_SECONDS": 15,
        "POLL_MAX_SECONDS": 600,
        "POLL_LEASE_SECONDS": 120,
        "PROCESSING_DEADLINE_SECONDS": 6 * 3600,
        "DELETE_RETRY_FIRST_SECONDS": 60,
        "DELETE_RETRY_MAX_SECONDS": 3600,
        "VIMEO_TIMEOUT_SECONDS": 0.5,
        "PUBLIC_BASE_URL": "https://api.example.com",
        "SIGNING_KEY": "media-tests-signing-key",
        "DOWNLOAD_LINK_TTL_SECONDS": 300,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return settings.MEDIA


@pytest.fixture
def fake_vimeo(settings, media_settings):
    fake = FakeVimeo().start()
    settings.VIMEO_ACCESS_TOKEN = ACCESS_TOKEN
    settings.VIMEO_API_BASE = fake.url
    settings.MEDIA = {**settings.MEDIA, "VIDEO_PROVIDER": "vimeo"}
    yield fake
    fake.stop()
