import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nlc.events.worker import run_consumers


class Command(BaseCommand):
    help = (
        "Consume this process's contexts' queues without Celery (the Celery worker runs the same loop "
        "in a bootstep). For a lifted-out context or for debugging. Stops on SIGTERM/SIGINT."
    )

    def add_arguments(self, parser):
        parser.add_argument("--context", action="append", help="Only these contexts (repeatable).")

    def handle(self, *args, context=None, **options):
        if not settings.BROKER_URL:
            raise CommandError("BROKER_URL is not set: the inline backend delivers events in-process.")
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        run_consumers(stop, context)
