"""The development demo data (seed_demo): analytics folds what the other demos published."""

from io import StringIO

import pytest

from contexts.analytics import demo
from contexts.analytics.models import DayMetric
from contexts.analytics.tests import factories as make

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_demo_says_what_it_folded_and_where_to_read_it(feed, coach_id):
    # given a lead the leads demo published
    feed("leads.lead.created", make.lead(coach_id, "2026-03-02T09:00:00Z"))
    # when the demo runs (twice)
    out = StringIO()
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    # then the lead counts once, and the KPIs' URL is printed
    assert DayMetric.objects.get(coach_id=coach_id).value == 1
    assert out.getvalue().count("analytics: 1 event(s) in its log, folded into the KPIs") == 2
    assert "/analytics/kpis?dateFrom=" in out.getvalue()
