"""``manage.py analytics``: rebuild the KPIs from analytics' own log, or fold what is waiting."""

from __future__ import annotations

import time
from datetime import date
from uuid import UUID

from django.core.management.base import BaseCommand

from contexts.analytics import services


class Command(BaseCommand):
    help = "Analytics upkeep: rebuild every number from the log (all coaches or one), or fold the log's new rows."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser(
            "rebuild", help="Recompute the KPIs from the log; live consumption goes on meanwhile (decision 0008)."
        )
        rebuild.add_argument("--coach", type=UUID, default=None, help="One coach (default: every coach in the log)")
        rebuild.add_argument(
            "--since",
            type=date.fromisoformat,
            default=None,
            help="YYYY-MM-DD: rewrite only the days from this one on (the fold still reads the whole log)",
        )
        sub.add_parser("fold", help="Fold the log's rows not folded yet (what each consumer batch does on commit).")

    def handle(self, *args, action, **options):
        if action == "fold":
            self.stdout.write(f"folded {services.log_fold()} event(s)")
            return
        started = time.monotonic()
        reports = services.log_rebuild(coach_id=options["coach"], since=options["since"])
        events = sum(report.events for report in reports)
        days = sum(report.days for report in reports)
        self.stdout.write(
            f"rebuilt {len(reports)} coach partition(s) from {events} event(s); {days} day(s) changed "
            f"({time.monotonic() - started:.1f} s)"
        )
