"""Pure decisions of the leads context: no database, no clock, no I/O, so each is tested alone."""

from __future__ import annotations

import re

# The pipeline: new -> contacted -> booked -> client, and lost from anywhere but client. A lost
# lead may be reopened. "client" is reached by a purchase, or by the coach (a manual conversion).
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    "new": frozenset({"contacted", "booked", "client", "lost"}),
    "contacted": frozenset({"booked", "client", "lost"}),
    "booked": frozenset({"contacted", "client", "lost"}),
    "lost": frozenset({"new", "contacted"}),
    "client": frozenset(),
}
# What a booking moves a lead to, automatically (a later stage is kept).
BOOKABLE_STATUSES = frozenset({"new", "contacted", "lost"})

_PHONE = re.compile(r"^\+?[0-9(][0-9 ().-]{5,30}$")
# ASCII only: a tag is found as its JSON string inside the stored list (selectors.lead_list).
_TAG = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9_ .-]{0,49}$")


def status_move_allowed(*, from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_MOVES.get(from_status, frozenset())


def text_clean(value: str | None) -> str:
    """Inner runs of white space made one space, none around."""
    return " ".join((value or "").split())


def email_normalize(email: str) -> str:
    return email.strip().lower()


def phone_valid(phone: str) -> bool:
    """A phone number as people type it: digits with an optional leading +, spaces, dots, dashes,
    brackets; at least six digits."""
    return bool(_PHONE.match(phone)) and sum(char.isdigit() for char in phone) >= 6


def tags_clean(tags: list[str]) -> list[str]:
    """Tags trimmed, lower-cased, without duplicates, in the order given."""
    cleaned: list[str] = []
    for tag in tags:
        value = text_clean(tag).lower()
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned


def tag_valid(tag: str) -> bool:
    return bool(_TAG.match(tag))


def name_split(name: str) -> tuple[str | None, str | None]:
    """First and last name from one name field (the contract's firstName/lastName)."""
    parts = text_clean(name).split(" ", 1)
    if not parts[0]:
        return None, None
    return parts[0][:150], (parts[1][:150] if len(parts) > 1 else None)


def conversion_rate(*, new_leads: int, conversions: int) -> float | None:
    """Conversions per new lead of the same period, rounded to four places; None without leads."""
    if new_leads <= 0:
        return None
    return round(conversions / new_leads, 4)


def progress_milestone(*, before: int, after: int) -> int | None:
    """The highest quarter (25, 50, 75, 100 percent) crossed by a progress update, if any: the
    timeline keeps milestones, not every lesson."""
    crossed = [mark for mark in (25, 50, 75, 100) if before < mark <= after]
    return crossed[-1] if crossed else None


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell_escape(value: str) -> str:
    """A cell of the export as text a spreadsheet will not run: a leading quote before a formula sign."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def csv_cell_unescape(value: str) -> str:
    """What :func:`csv_cell_escape` wrote, read back (so an export imports as it was)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value
