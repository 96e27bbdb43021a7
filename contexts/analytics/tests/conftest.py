"""Fixtures of the analytics tests. The callers (``coach_client``, ``other_coach_client``,
``admin_client``, ``coach_id``, ``other_coach_id``) and ``context_queries``, ``envelope``,
``deliver_event`` come from the kernel's pytest plugin (nlc.testing); only analytics's own data is
built here."""

from __future__ import annotations

import pytest

from nlc.db.transactions import alias_of
from nlc.events.contracts import registry


@pytest.fixture(autouse=True)
def fold_at_once(settings):
    """Each consumer transaction folds its events and announces the days they changed at once."""
    settings.ANALYTICS_SNAPSHOT_DELAY_SECONDS = 0
    settings.ANALYTICS_FOLD_IN_THREAD = False  # the test's transaction: the fold follows in it


@pytest.fixture
def feed(envelope, deliver_event, django_capture_on_commit_callbacks):
    """``feed(type, payload)``: deliver one event to analytics as the bus does, and run what analytics
    does once the consumer's transaction commits (the fold). Returns the envelope."""

    def deliver(event_type: str, payload: dict, *, version: int | None = None, again: dict | None = None) -> dict:
        sent = again or envelope(event_type, payload, version=version or registry().latest_version(event_type))
        with django_capture_on_commit_callbacks(using=alias_of("analytics"), execute=True):
            deliver_event("analytics", sent)
        return sent

    return deliver
