"""``manage.py media poll|retry-deletions`` run what beat runs."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from contexts.media.models import Asset
from contexts.media.tests.test_api_uploads import VIDEO

pytestmark = pytest.mark.django_db(databases=["media"])


def run(*args: str) -> str:
    out = StringIO()
    call_command("media", *args, stdout=out)
    return out.getvalue()


def test_poll_and_retry_deletions_by_hand(coach_client, fake_vimeo):
    coach_client.post("/media/uploads", VIDEO, format="json")
    assert run("poll") == "polled 0 asset(s)\n"
    fake_vimeo.progress("925926407", "available")
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):
        assert run("poll") == "polled 1 asset(s)\n"
    assert Asset.objects.get().state == "ready"
    fake_vimeo.fail(503, method="DELETE")
    coach_client.delete(f"/media/assets/{Asset.objects.get().id}")
    assert run("retry-deletions") == "tried 0 deletion(s)\n"
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert run("retry-deletions") == "tried 1 deletion(s)\n"
    assert Asset.objects.get().state == "deleted"
