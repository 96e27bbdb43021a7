"""camelCase on the wire, snake_case in Python: the one conversion every context uses."""

from __future__ import annotations

import re

_UPPER = re.compile(r"(?<!^)(?=[A-Z])")


def to_camel(name: str) -> str:
    """``coach_id`` -> ``coachId``; a name without underscores is returned as it is."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_snake(name: str) -> str:
    """``coachId`` -> ``coach_id``."""
    return _UPPER.sub("_", name).lower()
