"""``manage.py events``: contracts, backlog, topology, dead letters, replay, the AsyncAPI document."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from nlc.db.router import alias_for_context
from nlc.events.asyncapi import asyncapi_path, render_asyncapi
from nlc.events.backends import backend
from nlc.events.broker import broker_connection, declare_topology
from nlc.events.contracts import freeze_snapshot, registry, snapshot_problems
from nlc.events.dead_letters import dead_letter_find, dead_letters_of
from nlc.events.models import DeadLetter, OutboxEvent
from nlc.events.registry import consumer_topology, context_handler_specs, handler_specs, subscribed_types


def _lock_path():
    return settings.NLC_CONTRACTS_DIR / "published.lock.json"


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


class Command(BaseCommand):
    help = "Operate the event bus: contracts, backlog, declare, dead-letters, replay, asyncapi."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        contracts = sub.add_parser("contracts", help="List contracts and check the published snapshot.")
        contracts.add_argument("--freeze", action="store_true", help="Add new versions to the snapshot.")
        sub.add_parser("backlog", help="Unpublished outbox rows per context.")
        outbox = sub.add_parser("outbox", help="Unpublished outbox rows of one context, oldest first.")
        outbox.add_argument("--context", required=True, choices=list(settings.NLC_CONTEXTS))
        outbox.add_argument("--limit", type=int, default=50)
        sub.add_parser("declare", help="Declare exchanges, queues and bindings (idempotent).")
        asyncapi = sub.add_parser("asyncapi", help="Write docs/asyncapi.yaml from the registry.")
        asyncapi.add_argument("--check", action="store_true", help="Fail if the file is stale.")

        dead = sub.add_parser("dead-letters", help="List, show, requeue or purge dead letters.")
        dead_sub = dead.add_subparsers(dest="dead_action", required=True)
        listing = dead_sub.add_parser("list")
        listing.add_argument("--context", choices=list(settings.NLC_CONTEXTS))
        listing.add_argument("--status", default=DeadLetter.Status.DEAD, choices=DeadLetter.Status.values)
        show = dead_sub.add_parser("show", help="One dead letter, looked up in every context.")
        show.add_argument("id")
        show.add_argument("--context", choices=list(settings.NLC_CONTEXTS), help="Look only in this context.")
        requeue = dead_sub.add_parser("requeue", help="Send one dead letter (by id), or all of --context, back.")
        requeue.add_argument("id", nargs="?")
        requeue.add_argument("--context", choices=list(settings.NLC_CONTEXTS))
        purge = dead_sub.add_parser("purge")
        purge.add_argument("--context", required=True, choices=list(settings.NLC_CONTEXTS))

        replay = sub.add_parser("replay", help="Deliver stored events of a type and time range to one context.")
        replay.add_argument("--type", required=True, dest="event_type")
        replay.add_argument("--to", required=True, dest="target", choices=list(settings.NLC_CONTEXTS))
        replay.add_argument("--since", required=True, type=_moment)
        replay.add_argument("--until", type=_moment, default=None)

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action.replace('-', '_')}")(**options)

    # -- contracts ------------------------------------------------------------------------------
    def do_contracts(self, *, freeze=False, **options):
        contracts = registry()
        consumers: dict[str, list[str]] = {}
        for spec in handler_specs():
            for event_type in spec.event_types:
                consumers.setdefault(event_type, []).append(spec.context)
        for contract in contracts.all():
            handled = ", ".join(sorted(set(consumers.get(contract.event_type, [])))) or "-"
            self.stdout.write(
                f"{contract.event_type:40} v{contract.version}  producer={contract.producer:14} consumers={handled}"
            )
        if freeze:
            for line in freeze_snapshot(contracts, _lock_path()):
                self.stdout.write(f"froze {line}")
        problems = snapshot_problems(contracts, _lock_path())
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} contract problem(s)")

    # -- backlog --------------------------------------------------------------------------------
    def do_backlog(self, **options):
        now = timezone.now()
        self.stdout.write(f"{'context':15} {'unpublished':>11} {'oldest age':>12} {'failing':>8}  last error")
        for context in settings.NLC_CONTEXTS:
            rows = OutboxEvent.objects.using(alias_for_context(context)).filter(published_at__isnull=True)
            stats = rows.aggregate(
                count=Count("id"), oldest=Min("created_at"), failing=Count("id", filter=Q(attempts__gt=0))
            )
            age = f"{(now - stats['oldest']).total_seconds():.1f}s" if stats["oldest"] else "-"
            last = rows.exclude(last_error="").order_by("-id").values_list("last_error", flat=True).first() or ""
            self.stdout.write(f"{context:15} {stats['count']:>11} {age:>12} {stats['failing']:>8}  {last[:80]}")

    def do_outbox(self, *, context, limit=50, **options):
        rows = (
            OutboxEvent.objects.using(alias_for_context(context))
            .filter(published_at__isnull=True)
            .order_by("id")[:limit]
        )
        for row in rows:
            self.stdout.write(
                f"{row.id:>10} {row.event_type:36} {row.event_id}  created={row.created_at:%Y-%m-%d %H:%M:%S} "
                f"attempts={row.attempts} next={row.next_attempt_at:%H:%M:%S}  {row.last_error[:80]}"
            )

    # -- topology -------------------------------------------------------------------------------
    def do_declare(self, **options):
        if not settings.BROKER_URL:
            raise CommandError("BROKER_URL is not set: the inline backend has no broker topology.")
        with broker_connection() as connection:
            for line in declare_topology(connection, consumer_topology()):
                self.stdout.write(line)

    def do_asyncapi(self, *, check=False, **options):
        document = render_asyncapi(registry(), context_handler_specs())
        path = asyncapi_path()
        if check:
            if not path.exists() or path.read_text() != document:
                raise CommandError(f"{path} is stale: run manage.py events asyncapi")
            self.stdout.write(f"{path} is current")
            return
        path.write_text(document)
        self.stdout.write(f"wrote {path}")

    # -- dead letters ---------------------------------------------------------------------------
    def do_dead_letters(self, *, dead_action, **options):
        getattr(self, f"dead_{dead_action}")(**options)

    def dead_list(self, *, context=None, status=DeadLetter.Status.DEAD, **options):
        for name in [context] if context else list(settings.NLC_CONTEXTS):
            letters = dead_letters_of(name).filter(status=status).order_by("created_at")
            for letter in letters:
                self.stdout.write(
                    f"{name:14} {letter.id}  {letter.event_type or '(unreadable)':36} "
                    f"attempts={letter.attempts} at={letter.created_at:%Y-%m-%d %H:%M:%S}  {letter.reason[:100]}"
                )

    def _dead_letter(self, letter_id: str, context: str | None) -> tuple[str, DeadLetter]:
        found = dead_letter_find(letter_id, contexts=[context] if context else None)
        if found is None:
            raise CommandError(f"no dead letter {letter_id} in {context or 'any context'}")
        return found

    def dead_show(self, *, id, context=None, **options):
        context, letter = self._dead_letter(id, context)
        self.stdout.write(
            json.dumps(
                {
                    "id": str(letter.id),
                    "context": context,
                    "eventId": str(letter.event_id) if letter.event_id else None,
                    "type": letter.event_type,
                    "status": letter.status,
                    "attempts": letter.attempts,
                    "reason": letter.reason,
                    "createdAt": letter.created_at.isoformat(),
                    "lastAttemptAt": letter.last_attempt_at.isoformat() if letter.last_attempt_at else None,
                    "body": letter.body,
                },
                indent=2,
            )
        )

    def dead_requeue(self, *, id=None, context=None, **options):
        if id is None:
            if context is None:
                raise CommandError("give a dead letter id, or --context to requeue all of a context's")
            moved = backend().requeue(context)
            self.stdout.write(f"requeued {moved} message(s) of {context}")
            return
        context, letter = self._dead_letter(id, context)
        if letter.status != DeadLetter.Status.DEAD:
            raise CommandError(f"dead letter {letter.id} of {context} is {letter.status} already")
        moved = backend().requeue(context, letter)
        self.stdout.write(f"requeued {moved} message(s) of {context}")

    def dead_purge(self, *, context, **options):
        purged = backend().purge(context)
        self.stdout.write(f"purged {purged} message(s) of {context}")

    # -- replay ---------------------------------------------------------------------------------
    def do_replay(self, *, event_type, target, since, until=None, **options):
        if event_type not in subscribed_types(target):
            raise CommandError(f"{target} has no handler for {event_type}")
        producer = registry().producer_of(event_type)
        if producer not in settings.NLC_CONTEXTS:
            raise CommandError(f"{producer} (the producer of {event_type}) is not enabled in this process")
        rows = OutboxEvent.objects.using(alias_for_context(producer)).filter(
            event_type=event_type, created_at__gte=since, published_at__isnull=False
        )
        if until is not None:
            rows = rows.filter(created_at__lt=until)
        envelopes = [row.envelope for row in rows.order_by("id")]
        bus = backend()
        bus.replay(target, envelopes)
        newest = rows.aggregate(newest=Max("created_at"))["newest"]
        self.stdout.write(
            f"replayed {len(envelopes)} {event_type} event(s) to {target} ({bus.name})"
            + (f", newest {newest.isoformat()}" if newest else "")
        )
