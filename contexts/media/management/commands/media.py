"""``manage.py media``: what beat runs, by hand (a development server has no beat)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from contexts.media import services


class Command(BaseCommand):
    help = "Media upkeep: poll the providers of assets being processed, retry deletions that are due."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("poll", help="Poll every asset whose next poll is due (beat: media.transcode_poll_due).")
        sub.add_parser(
            "retry-deletions", help="Delete again at the provider what is due (beat: media.deletion_retry_due)."
        )

    def handle(self, *args, action, **options):
        if action == "poll":
            self.stdout.write(f"polled {services.transcode_poll_due()} asset(s)")
        else:
            self.stdout.write(f"tried {services.deletion_retry_due()} deletion(s)")
