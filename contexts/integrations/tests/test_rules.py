"""The hand-off's pure decisions: when it is due, and the backoff between attempts."""

from datetime import UTC, datetime, timedelta

import pytest

from contexts.integrations import rules

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "next_attempt_at", "due"),
    [
        ("received", None, True),
        ("received", NOW, True),
        ("received", NOW - timedelta(seconds=1), True),
        ("received", NOW + timedelta(seconds=1), False),
        ("processed", None, False),
        ("failed", None, False),
    ],
)
def test_a_hand_off_is_due_only_for_a_received_webhook_whose_attempt_has_come(status, next_attempt_at, due):
    assert rules.hand_off_due(status=status, next_attempt_at=next_attempt_at, now=NOW) is due


def test_the_wait_doubles_after_each_failed_attempt():
    delays = [rules.retry_delay(attempts=attempts, base_seconds=30) for attempts in range(1, 6)]
    assert delays == [timedelta(seconds=seconds) for seconds in (30, 60, 120, 240, 480)]
