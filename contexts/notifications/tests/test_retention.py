"""Retention: beat deletes read notifications read longer ago than NOTIFICATIONS_RETENTION_DAYS; unread
ones stay whatever their age, and the counters do not move."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from contexts.notifications.models import Notification, UnreadCounter
from contexts.notifications.services import notification_mark_read
from contexts.notifications.tasks import notification_prune
from contexts.notifications.tests.factories import notification_for

pytestmark = pytest.mark.django_db(databases="__all__")


def test_old_read_notifications_are_pruned(coach_id, other_coach_id):
    # given, 91 days ago: one read and one left unread; 89 days ago: one read; today: one read
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        old_read = notification_for(coach_id)
        old_unread = notification_for(coach_id)
        notification_mark_read(user_id=coach_id, notification_id=old_read.id)
    with time_machine.travel(dt.datetime(2026, 1, 3, 12, tzinfo=dt.UTC), tick=False):
        recent_read = notification_for(other_coach_id)
        notification_mark_read(user_id=other_coach_id, notification_id=recent_read.id)
    # when beat's task runs on 2026-04-02 (90 days after 2026-01-02)
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        pruned = notification_prune()
    # then only the read one past the retention is gone
    assert pruned == 1
    assert set(Notification.objects.values_list("id", flat=True)) == {old_unread.id, recent_read.id}
    assert UnreadCounter.objects.get(user_id=coach_id).unread == 1


def test_beat_runs_the_prune_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-prune"]
    assert entry["task"] == "notifications.notification_prune"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {40})
