"""Plain result types of the analytics context (frozen dataclasses) where a model is not enough."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class RebuildReport:
    coach_id: UUID
    events: int
    days: int  # (scope, day)s whose numbers changed
    time_zone: str
    platform_days: frozenset[dt.date] = frozenset()  # platform days whose share of this coach changed


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date
