"""``manage.py courses``: the daily progress snapshot and the aggregates, run by hand."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.core.management.base import BaseCommand

from contexts.courses import services


class Command(BaseCommand):
    help = "Courses upkeep: take the daily progress snapshot, or recount the course aggregates."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        snapshot = sub.add_parser(
            "snapshot", help="Snapshot every active enrollment's progress for a day (what beat runs daily)."
        )
        snapshot.add_argument("--day", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today, UTC)")
        refresh = sub.add_parser("refresh-stats", help="Recount the aggregates exactly from enrollments and progress.")
        refresh.add_argument("--course", type=UUID, default=None, help="One course (default: all)")

    def handle(self, *args, action, **options):
        if action == "snapshot":
            added = services.progress_snapshot_take(day=options["day"])
            self.stdout.write(f"added {added} progress snapshot(s); course aggregates recounted")
        else:
            counted = services.course_stats_refresh(course_id=options["course"])
            self.stdout.write(f"recounted the aggregates of {counted} course(s)")
