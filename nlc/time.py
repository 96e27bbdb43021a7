"""Moments on the wire: ISO-8601 in UTC with a ``Z``, the one format of every event and answer."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_z(moment: datetime | None) -> str | None:
    """``2026-12-01T09:30:00Z`` (UTC, microseconds kept when there are any); None stays None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no place on the wire: give it a time zone")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_moment(value: str) -> datetime:
    """An ISO-8601 date-time with an offset or ``Z`` -> an aware datetime (ValueError otherwise)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment
