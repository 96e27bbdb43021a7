"""A coach's KPIs from a scripted week of events: exact numbers per day in two time zones, whatever
the order the events arrive in and however often; a rebuild from the log gives the same numbers."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from contexts.analytics.models import DayMetric, LoggedEvent
from contexts.analytics.tests import factories as make
from contexts.analytics.tests.week import NEW_YORK_DAYS, UTC_DAYS, WEEK_TOTALS, nonzero, week_events
from nlc.db.transactions import alias_of
from nlc.events.models import InboxEntry

pytestmark = pytest.mark.django_db(databases="__all__")
WEEK = {"dateFrom": "2026-03-02", "dateTo": "2026-03-08"}


def _days(client) -> dict:
    response = client.get("/analytics/kpis", {**WEEK, "bucket": "day"})
    assert response.status_code == 200, response.content
    return {row["start"]: nonzero(row) for row in response.json()["buckets"]}


def _state() -> list[tuple]:
    return sorted(DayMetric.objects.values_list("scope", "coach_id", "day", "metric", "dimension", "value").order_by())


def _feed_week(feed, coach_id, other_coach_id) -> list[dict]:
    # the New York coach says so first; then both coaches' weeks arrive newest first, each event twice
    feed("auth.user.updated", make.user_updated(other_coach_id, "2026-01-01T00:00:00Z", time_zone="America/New_York"))
    sent = []
    for coach in (coach_id, other_coach_id):
        for event_type, payload in reversed(week_events(coach)):
            envelope = feed(event_type, payload)
            feed(event_type, payload, again=envelope)
            sent.append(envelope)
    return sent


def test_a_week_counts_exactly_by_each_coachs_day(feed, coach_id, other_coach_id, coach_client, other_coach_client):
    # given both coaches' weeks, out of order and each event delivered twice
    _feed_week(feed, coach_id, other_coach_id)
    # when each coach reads its week by day
    utc, new_york = _days(coach_client), _days(other_coach_client)
    # then each counts every event once, on its own day
    assert utc == UTC_DAYS
    assert new_york == NEW_YORK_DAYS
    # and the week as one bucket is the same for both, with the week before empty
    for client in (coach_client, other_coach_client):
        body = client.get("/analytics/kpis", {**WEEK, "bucket": "week"}).json()
        assert [nonzero(row) for row in body["buckets"]] == [WEEK_TOTALS]
        assert nonzero(body["totals"]) == WEEK_TOTALS
        assert (body["previous"]["start"], body["previous"]["end"]) == ("2026-02-23", "2026-03-01")
        assert nonzero(body["previous"]) == {}
    assert coach_client.get("/analytics/kpis", WEEK).json()["timeZone"] == "UTC"
    assert other_coach_client.get("/analytics/kpis", WEEK).json()["timeZone"] == "America/New_York"


def test_an_event_replayed_to_a_fresh_inbox_still_counts_once(feed, coach_id, other_coach_id, coach_client):
    # given the week, then every analytics inbox row gone (as for a replay to a new handler)
    sent = _feed_week(feed, coach_id, other_coach_id)
    before = _state()
    InboxEntry.objects.using(alias_of("analytics")).all().delete()
    # when every event is delivered again
    for envelope in sent:
        feed(envelope["type"], envelope["payload"], again=envelope)
    # then the log keeps each event once and no number moved
    assert LoggedEvent.objects.count() == len(sent) + 1
    assert _state() == before
    assert _days(coach_client) == UTC_DAYS


def test_rebuild_gives_the_live_numbers(feed, coach_id, other_coach_id, coach_client, other_coach_client):
    # given the live numbers of both weeks
    _feed_week(feed, coach_id, other_coach_id)
    live = _state()
    assert len(live) == 38  # 17 coach counters and 2 platform ones (GMV, course sales) per coach
    # when everything is rebuilt from the log (after the counters were wiped out)
    DayMetric.objects.all().delete()
    out = StringIO()
    call_command("analytics", "rebuild", stdout=out)
    # then the same rows hold the same numbers
    assert out.getvalue().startswith("rebuilt 2 coach partition(s) from 31 event(s); ")
    assert _state() == live
    assert _days(coach_client) == UTC_DAYS
    assert _days(other_coach_client) == NEW_YORK_DAYS


def test_rebuild_of_one_coach_since_a_day_rewrites_only_those_days(feed, coach_id, other_coach_id):
    # given the live numbers, and one of the coach's early counters spoilt
    _feed_week(feed, coach_id, other_coach_id)
    live = _state()
    DayMetric.objects.filter(coach_id=coach_id, day="2026-03-06").update(value=99)
    DayMetric.objects.filter(coach_id=coach_id, day="2026-03-02").update(value=77)
    # when the coach is rebuilt from the 4th on
    call_command("analytics", "rebuild", "--coach", str(coach_id), "--since", "2026-03-04", stdout=StringIO())
    # then the 6th is right again and the 2nd untouched
    assert set(_state()) - set(live) == {row for row in _state() if row[1] == coach_id and str(row[2]) == "2026-03-02"}
    assert all(row[5] == 77 for row in _state() if row[1] == coach_id and str(row[2]) == "2026-03-02")


def test_a_new_time_zone_moves_the_coachs_events_to_its_days(feed, coach_id, coach_client, settings):
    # given the week counted in UTC
    settings.CELERY_TASK_ALWAYS_EAGER = True
    for event_type, payload in week_events(coach_id):
        feed(event_type, payload)
    assert _days(coach_client) == UTC_DAYS
    # when the coach moves to New York (the rebuild task runs at once here)
    feed("auth.user.updated", make.user_updated(coach_id, "2026-04-01T00:00:00Z", time_zone="America/New_York"))
    # then the same events count on New York's days
    assert _days(coach_client) == NEW_YORK_DAYS
    # and an older change of zone arriving late changes nothing
    feed("auth.user.updated", make.user_updated(coach_id, "2026-02-01T00:00:00Z", time_zone="Asia/Tokyo"))
    assert _days(coach_client) == NEW_YORK_DAYS
