"""The pure decisions of leads."""

import pytest

from contexts.leads import rules


@pytest.mark.parametrize(
    ("from_status", "to_status", "allowed"),
    [
        ("new", "contacted", True),
        ("new", "booked", True),
        ("contacted", "booked", True),
        ("booked", "client", True),
        ("booked", "contacted", True),
        ("new", "lost", True),
        ("lost", "new", True),
        ("client", "lost", False),
        ("client", "new", False),
        ("contacted", "new", False),
        ("booked", "new", False),
        ("new", "new", False),
        ("new", "qualified", False),
    ],
)
def test_status_moves(from_status, to_status, allowed):
    assert rules.status_move_allowed(from_status=from_status, to_status=to_status) is allowed


@pytest.mark.parametrize(
    ("phone", "valid"),
    [("+1 415 555 0100", True), ("(020) 7946-0000", True), ("12345", False), ("call me", False), ("+", False)],
)
def test_phones(phone, valid):
    assert rules.phone_valid(phone) is valid


def test_tags_are_trimmed_lowered_and_unique():
    assert rules.tags_clean([" VIP ", "vip", "", "Hot  lead"]) == ["vip", "hot lead"]


def test_name_split():
    assert rules.name_split("  Ann   Marie Lee ") == ("Ann", "Marie Lee")
    assert rules.name_split("Cher") == ("Cher", None)
    assert rules.name_split("") == (None, None)


def test_conversion_rate():
    assert rules.conversion_rate(new_leads=3, conversions=1) == 0.3333
    assert rules.conversion_rate(new_leads=0, conversions=2) is None


@pytest.mark.parametrize(("before", "after", "milestone"), [(0, 10, None), (20, 30, 25), (10, 80, 75), (75, 100, 100)])
def test_progress_milestones(before, after, milestone):
    assert rules.progress_milestone(before=before, after=after) == milestone


@pytest.mark.parametrize(
    ("value", "escaped"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1 415", "'+1 415"), ("-x", "'-x"), ("@me", "'@me"), ("Ann", "Ann"), ("", "")],
)
def test_csv_cells_round_trip_without_formulas(value, escaped):
    assert rules.csv_cell_escape(value) == escaped
    assert rules.csv_cell_unescape(escaped) == value
    assert rules.csv_cell_unescape("'quoted") == "'quoted"
