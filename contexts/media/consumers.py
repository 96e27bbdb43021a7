"""Events of other contexts that media handles."""

from __future__ import annotations

from contexts.media import services
from nlc.events import Event, handles


@handles("auth.user.created", versions=(1,))
def coach_copy_from_user_created(event: Event) -> None:
    """Keep a copy of each coach (the demo data finds its coach by it)."""
    if event.text("role") != "coach":
        return
    services.coach_copy_save(coach_id=event.uuid("coachId"), email=event.text("email"))
