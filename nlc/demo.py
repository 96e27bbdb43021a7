"""Demo data (``manage.py seed_demo``) that depends on another context's events."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command


def events_replay_to(*, context: str, event_type: str) -> bool:
    """Replay every stored event of ``event_type`` to ``context``'s handlers, so a context seeded after
    its producer gets its copies (e.g. the demo coach from auth.user.created); False if none could be."""
    try:
        call_command(
            "events",
            "replay",
            "--type",
            event_type,
            "--to",
            context,
            "--since",
            "2000-01-01T00:00:00+00:00",
            stdout=StringIO(),
        )
    except CommandError:
        return False
    return True
