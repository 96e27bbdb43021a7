"""The course rules on their own: watched ranges, allowances, thresholds, percentages."""

from datetime import timedelta

import pytest

from contexts.courses import rules


@pytest.mark.parametrize(
    ("ranges", "added", "expected"),
    [
        ([], (0, 10), [[0, 10]]),
        ([[0, 10]], (5, 20), [[0, 20]]),
        ([[0, 10]], (10, 20), [[0, 20]]),  # touching ranges join
        ([[0, 10]], (11, 20), [[0, 10], [11, 20]]),
        ([[20, 30]], (0, 10), [[0, 10], [20, 30]]),
        ([[0, 10], [20, 30], [40, 50]], (5, 45), [[0, 50]]),
        ([[0, 10], [20, 30]], (12, 18), [[0, 10], [12, 18], [20, 30]]),
        ([[0, 100]], (30, 60), [[0, 100]]),  # a rewatch adds nothing
        ([[0, 10]], (7, 7), [[0, 10]]),  # an empty stretch adds nothing
    ],
)
def test_ranges_are_a_union_of_disjoint_sorted_pairs(ranges, added, expected):
    assert rules.ranges_add(ranges, *added) == expected


def test_ranges_total_counts_each_second_once():
    ranges = rules.ranges_add(rules.ranges_add(rules.ranges_add([], 0, 60), 30, 90), 0, 90)
    assert (ranges, rules.ranges_total(ranges)) == ([[0, 90]], 90)


def test_a_report_may_count_what_could_have_played_since_the_last_one():
    assert (
        rules.watch_allowance_seconds(since_last_report=timedelta(seconds=10), max_playback_rate=2.0, grace_seconds=30)
        == 50
    )
    assert (
        rules.watch_allowance_seconds(since_last_report=timedelta(seconds=-5), max_playback_rate=2.0, grace_seconds=30)
        == 30
    )


@pytest.mark.parametrize(
    ("duration", "percent", "seconds"),
    [(100, 90, 90), (101, 90, 91), (600, 50, 300), (10, 100, 10), (None, 90, None), (0, 90, None), (1, 1, 1)],
)
def test_a_video_completes_at_its_threshold_of_watched_seconds(duration, percent, seconds):
    assert rules.video_seconds_to_complete(duration_seconds=duration, threshold_percent=percent) == seconds


@pytest.mark.parametrize(
    ("completed", "total", "percent", "complete"),
    [(0, 0, 0, False), (0, 3, 0, False), (1, 3, 33, False), (2, 3, 66, False), (3, 3, 100, True)],
)
def test_course_percent_rounds_down_so_100_means_complete(completed, total, percent, complete):
    assert rules.course_percent(completed=completed, total=total) == percent
    assert rules.course_is_complete(completed=completed, total=total) is complete


def test_a_lesson_shows_99_percent_at_most_until_it_is_complete():
    assert rules.lesson_percent(watched_seconds=100, duration_seconds=100, completed=False) == 99
    assert rules.lesson_percent(watched_seconds=45, duration_seconds=100, completed=False) == 45
    assert rules.lesson_percent(watched_seconds=0, duration_seconds=None, completed=True) == 100
