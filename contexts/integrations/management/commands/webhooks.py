"""``manage.py webhooks``: list, show and replay received webhooks; run due retries; re-encrypt secrets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError

from contexts.integrations import selectors, services
from contexts.integrations.models import Provider, WebhookStatus
from nlc.errors import NotFoundError
from nlc.time import iso_z


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise CommandError(f"not an ISO-8601 time: {value}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # a time without an offset is UTC


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as error:
        raise CommandError(f"not a webhook event id: {value}") from error


class Command(BaseCommand):
    help = "Received webhooks: list, show, replay; retry-due; reencrypt stored secrets."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Received webhooks, newest first.")
        listing.add_argument("--provider", choices=Provider.values)
        listing.add_argument("--status", choices=WebhookStatus.values)
        listing.add_argument("--since", type=_moment)
        listing.add_argument("--limit", type=int, default=50)
        show = sub.add_parser("show", help="One webhook with its headers and body.")
        show.add_argument("id", type=_uuid)
        replay = sub.add_parser(
            "replay", help="Hand webhooks on again: one by id, or every one matching --provider/--status/--since."
        )
        replay.add_argument("id", nargs="?", type=_uuid)
        replay.add_argument("--provider", choices=Provider.values)
        replay.add_argument("--status", choices=WebhookStatus.values)
        replay.add_argument("--since", type=_moment)
        replay.add_argument("--until", type=_moment)
        sub.add_parser("retry-due", help="Hand off every webhook whose retry is due now.")
        sub.add_parser("reencrypt", help="Re-encrypt stored secrets under the first INTEGRATIONS_ENCRYPTION_KEY.")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action.replace('-', '_')}")(**options)

    def do_list(self, *, provider=None, status=None, since=None, limit=50, **options):
        events = selectors.webhook_event_filter(provider=provider, status=status, since=since)
        total = events.count()
        for event in events[:limit]:
            self.stdout.write(
                f"{event.id}  {event.received_at:%Y-%m-%dT%H:%M:%SZ}  {event.provider:8}  {event.status:9}  "
                f"attempts={event.attempts}  {event.event_type}  {event.provider_event_id}"
                + (f"  error={event.last_error[:80]!r}" if event.last_error else "")
            )
        self.stdout.write(f"{min(total, limit)} of {total} webhook(s)")

    def do_show(self, *, id, **options):
        event = selectors.webhook_event_get(webhook_event_id=id)
        if event is None:
            raise CommandError(f"no webhook event {id}")
        fields = {
            "id": str(event.id),
            "provider": event.provider,
            "providerEventId": event.provider_event_id,
            "eventType": event.event_type,
            "coachId": str(event.coach_id) if event.coach_id else None,
            "status": event.status,
            "attempts": event.attempts,
            "lastError": event.last_error,
            "nextAttemptAt": iso_z(event.next_attempt_at),
            "receivedAt": iso_z(event.received_at),
            "processedAt": iso_z(event.processed_at),
            "replayCount": event.replay_count,
            "headers": event.headers,
            "data": selectors.webhook_event_data(event=event),
        }
        self.stdout.write(json.dumps(fields, indent=2))

    def do_replay(self, *, id=None, provider=None, status=None, since=None, until=None, **options):
        if id is not None:
            if provider or status or since or until:
                raise CommandError("give either an id or filters, not both")
            try:
                services.webhook_replay(webhook_event_id=id)
            except NotFoundError as error:
                raise CommandError(f"no webhook event {id}") from error
            self.stdout.write(f"replayed {id}")
            return
        if not (provider or status or since):
            raise CommandError("replay needs an id, or at least one of --provider, --status, --since")
        ids = services.webhook_replay_matching(provider=provider, status=status, since=since, until=until)
        for webhook_event_id in ids:
            self.stdout.write(f"replayed {webhook_event_id}")
        self.stdout.write(f"{len(ids)} webhook(s) replayed")

    def do_retry_due(self, **options):
        self.stdout.write(f"{services.webhook_retry_due()} webhook(s) handed off again")

    def do_reencrypt(self, **options):
        self.stdout.write(f"{services.integration_config_reencrypt()} config(s) re-encrypted")
