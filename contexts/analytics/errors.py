"""Every error of the analytics context, in one place: domain words, a stable ``code``, no HTTP.

Each subclasses the kernel kind that says what went wrong (nlc.errors; nlc.api.errors maps the kind
to the status). "Not found" is no error of its own: a selector answers None and the view calls
``get_or_404(row, "<entity>")``.
"""

from __future__ import annotations

from nlc.errors import InvalidInputError


class DateRangeInvalidError(InvalidInputError):
    """The range ends before it starts, or is longer than the API reads at once."""

    code = "date_range_invalid"
    message = "The date range is not valid."
