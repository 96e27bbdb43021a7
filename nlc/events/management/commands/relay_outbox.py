import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nlc.events.relay import drain_with_workers, run_with_workers


class Command(BaseCommand):
    help = "Relay committed outbox rows to RabbitMQ (run several at once safely). Stops on SIGTERM/SIGINT."

    def add_arguments(self, parser):
        parser.add_argument("--context", action="append", help="Only these contexts (repeatable). Default: all.")
        parser.add_argument("--once", action="store_true", help="Drain what is there now, then exit.")
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument(
            "--workers", type=int, default=None, help="Relay threads (default: EVENTS_RELAY_WORKERS, 2)."
        )

    def handle(self, *args, context=None, once=False, batch_size=None, workers=None, **options):
        if not settings.BROKER_URL:
            raise CommandError("BROKER_URL is not set: the inline backend delivers events without a relay.")
        workers = workers or settings.NLC_EVENTS["RELAY_WORKERS"]
        if once:
            published = drain_with_workers(workers=workers, contexts=context, batch_size=batch_size)
            self.stdout.write(f"published {published} event(s)")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        run_with_workers(stop, workers=workers, contexts=context)
