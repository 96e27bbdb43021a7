"""Development demo data: the demo coach's notifications (scripts/dev runs seed_demo).

Notifications makes its rows only from events: with the inline bus its handlers already saw the
demo's events as the other contexts seeded them. A database made before notifications had its
tables gets them by replaying those events here; the inbox makes the replay of an event already
applied change nothing.
"""

from __future__ import annotations

from contexts.notifications.models import Notification, Role, User
from nlc.demo import events_replay_to

DEMO_COACH_EMAIL = "coach@demo.nextlevelcoach.test"
REPLAYED = (
    "auth.user.created",
    "auth.user.updated",
    "billing.payment.completed",
    "leads.lead.created",
    "leads.status.changed",
    "courses.enrollment.completed",
    "media.asset.ready",
    "media.asset.failed",
)


def seed(*, stdout) -> None:
    for event_type in REPLAYED:
        events_replay_to(context="notifications", event_type=event_type)
    coach = User.objects.filter(email=DEMO_COACH_EMAIL, role=Role.COACH).first()
    if coach is None:
        stdout.write(f"  notifications: no copy of the demo coach {DEMO_COACH_EMAIL}; no demo notifications")
        return
    rows = Notification.objects.filter(recipient_user_id=coach.id)
    stdout.write(
        f"  demo coach's notifications: {rows.count()} ({rows.filter(read_at__isnull=True).count()} unread); "
        "GET /notifications/notifications as the demo coach"
    )
