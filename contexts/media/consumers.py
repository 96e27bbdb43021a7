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


@handles("courses.progress.updated", versions=(1, 2))
def usage_from_progress(event: Event) -> None:
    """Count a learner's plays, watched seconds and completions of the lesson's asset (v2); v1
    names no asset, so it counts nothing."""
    if event.version < 2:
        return
    asset_id = event.optional_uuid("assetId")
    if asset_id is None:
        return
    services.asset_usage_count(
        asset_id=asset_id,
        coach_id=event.uuid("coachId"),
        play_started=bool(event.value("playStarted")),
        seconds_watched=event.integer("secondsWatched"),
        completed=bool(event.value("lessonCompleted")),
    )
