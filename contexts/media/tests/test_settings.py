"""Production refuses to start with Vimeo as the video provider and no access token."""

import base64
import os
import subprocess
import sys

from django.conf import settings


def _production_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIMEO_", "MEDIA_", "DJANGO_"))}
    env.update(
        NLC_ENV="production",
        SECRET_KEY="x" * 50,
        JWT_SIGNING_KEY="y" * 40,
        STRIPE_SECRET_KEY="sk_test_x",
        INTEGRATIONS_ENCRYPTION_KEY=base64.urlsafe_b64encode(b"k" * 32).decode(),
        LEADS_ENCRYPTION_KEY=base64.urlsafe_b64encode(b"l" * 32).decode(),
        **extra,
    )
    return env


def _start(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_vimeo_token():
    result = _start(_production_env())
    assert result.returncode != 0
    assert "VIMEO_ACCESS_TOKEN must be set in production (or MEDIA_VIDEO_PROVIDER=local)" in result.stderr


def test_production_with_a_vimeo_token_passes_the_media_check():
    result = _start(_production_env(VIMEO_ACCESS_TOKEN="token"))
    assert "VIMEO_ACCESS_TOKEN" not in result.stderr
