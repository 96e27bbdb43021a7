"""Writes of the notifications context: ``<entity>_<action>(*, ...)`` with keyword-only typed arguments.

Lock order, the same in every write, so none waits on another in a cycle: a user's
``UnreadCounter`` row first, then its notifications. Creating a notification bumps the counter
(unread + 1, last_seq + 1) in one upsert that also locks it; a read locks it before it marks rows, so
a notification committed meanwhile is either marked and counted, or neither.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.db import connections
from django.db.models import F
from django.utils import timezone

from contexts.notifications.data import NotificationDraft, StreamTicket
from contexts.notifications.errors import PreferenceKindInvalidError, StreamTicketInvalidError
from contexts.notifications.models import Notification, Preference, Role, UnreadCounter, User, UserStatus
from contexts.notifications.rules import kind_is_valid
from nlc.db.transactions import alias_of, atomic

logger = logging.getLogger(__name__)

CONTEXT = "notifications"
STREAM_TICKET_SALT = "notifications.stream.ticket"


def _settings() -> dict[str, Any]:
    return settings.NOTIFICATIONS


# --- Users -------------------------------------------------------------------------------------
def user_copy_save(
    *, user_id: UUID, role: str, coach_id: UUID | None, email: str, name: str, status: str = UserStatus.ACTIVE
) -> User:
    """Keep this context's copy of an admin or coach current (auth.user.created / updated)."""
    with atomic(CONTEXT):
        user, _ = User.objects.update_or_create(
            id=user_id, defaults={"role": role, "coach_id": coach_id, "email": email, "name": name, "status": status}
        )
        return user


def admin_ids() -> list[UUID]:
    """The active admins this context knows of: the recipients of platform notices."""
    return list(User.objects.filter(role=Role.ADMIN, status=UserStatus.ACTIVE).values_list("id", flat=True))


# --- Creating ----------------------------------------------------------------------------------
def notification_deliver(*, recipients: Iterable[UUID], draft: NotificationDraft, producer: str) -> list[Notification]:
    """Create ``draft`` for each recipient once: not for a recipient who turned its kind off, not
    again for one who already has it (same key). A recipient this context has never seen gets it
    all the same; it is there when they first read. Runs in the caller's transaction if any."""
    recipients = list(dict.fromkeys(recipients))
    if not recipients:
        return []
    with atomic(CONTEXT):
        muted = set(
            Preference.objects.filter(user_id__in=recipients, kind=draft.kind, in_app=False).values_list(
                "user_id", flat=True
            )
        )
        existing = set(
            Notification.objects.filter(recipient_user_id__in=recipients, key=draft.key).values_list(
                "recipient_user_id", flat=True
            )
        )
        created = []
        for recipient in recipients:
            if recipient in muted or recipient in existing:
                continue
            seq = _counter_bump(user_id=recipient)
            created.append(
                Notification.objects.create(
                    recipient_user_id=recipient,
                    coach_id=draft.coach_id,
                    kind=draft.kind,
                    title=draft.title,
                    body=draft.body,
                    link=draft.link,
                    key=draft.key,
                    seq=seq,
                    producer=producer,
                )
            )
        return created


def _counter_bump(*, user_id: UUID) -> int:
    """unread + 1 and last_seq + 1 on the user's counter (made on first use), locking it; the new seq.

    One statement on PostgreSQL and SQLite (3.35+) alike: INSERT ... ON CONFLICT DO UPDATE RETURNING.
    """
    connection = connections[alias_of(CONTEXT)]
    table = connection.ops.quote_name(UnreadCounter._meta.db_table)
    fields = {field.name: field for field in UnreadCounter._meta.concrete_fields}
    now = timezone.now()
    params = [
        fields["id"].get_db_prep_value(uuid.uuid4(), connection),
        fields["user_id"].get_db_prep_value(user_id, connection),
        fields["created_at"].get_db_prep_value(now, connection),
        fields["updated_at"].get_db_prep_value(now, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, user_id, unread, last_seq, created_at, updated_at) "  # noqa: S608 - our table
            "VALUES (%s, %s, 1, 1, %s, %s) "
            f"ON CONFLICT (user_id) DO UPDATE SET unread = {table}.unread + 1, last_seq = {table}.last_seq + 1, "
            "updated_at = excluded.updated_at RETURNING last_seq",
            params,
        )
        return int(cursor.fetchone()[0])


# --- Reading -----------------------------------------------------------------------------------
def _counter_lock(user_id: UUID) -> None:
    # SQLite has no row locks (a write locks the file); select_for_update is a no-op there.
    list(UnreadCounter.objects.select_for_update().filter(user_id=user_id).values_list("id", flat=True))


def notification_mark_read(*, user_id: UUID, notification_id: UUID) -> Notification | None:
    """Mark one of the user's notifications read (again: no change); None if it is not theirs."""
    with atomic(CONTEXT):
        _counter_lock(user_id)
        marked = Notification.objects.filter(
            pk=notification_id, recipient_user_id=user_id, read_at__isnull=True
        ).update(read_at=timezone.now())
        if marked:
            UnreadCounter.objects.filter(user_id=user_id).update(unread=F("unread") - marked, updated_at=timezone.now())
        return Notification.objects.filter(pk=notification_id, recipient_user_id=user_id).first()


def notification_mark_all_read(*, user_id: UUID) -> int:
    """Mark every unread notification of the user read; answers how many were marked."""
    with atomic(CONTEXT):
        _counter_lock(user_id)
        marked = Notification.objects.filter(recipient_user_id=user_id, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        UnreadCounter.objects.filter(user_id=user_id).update(unread=0, updated_at=timezone.now())
        return marked


# --- Preferences -------------------------------------------------------------------------------
def preference_save(*, user_id: UUID, choices: dict[str, bool]) -> None:
    """Turn kinds on or off for the user (a kind turned off is not created for them)."""
    invalid = sorted(kind for kind in choices if not kind_is_valid(kind))
    if invalid:
        raise PreferenceKindInvalidError(field_errors={"kind": [f"{kind!r} is not a kind" for kind in invalid]})
    with atomic(CONTEXT):
        for kind, in_app in choices.items():
            Preference.objects.update_or_create(user_id=user_id, kind=kind, defaults={"in_app": in_app})


# --- Retention ---------------------------------------------------------------------------------
def notification_prune(*, older_than_days: int | None = None, batch_size: int = 5000) -> int:
    """Delete read notifications read more than the retention ago, in batches; answers how many.
    Unread ones stay, whatever their age (the counter counts them)."""
    days = older_than_days if older_than_days is not None else _settings()["RETENTION_DAYS"]
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        with atomic(CONTEXT):
            ids = list(
                Notification.objects.filter(read_at__lt=cutoff)
                .order_by("read_at")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                break
            deleted += Notification.objects.filter(pk__in=ids).delete()[0]
    if deleted:
        logger.info("read notifications pruned", extra={"deleted": deleted, "cutoff": cutoff.isoformat()})
    return deleted


# --- Live stream -------------------------------------------------------------------------------
def stream_ticket_issue(*, user_id: UUID) -> StreamTicket:
    """A short-lived signed ticket naming the caller, for opening the live stream (EventSource
    cannot send an Authorization header). Stateless: its signature and age are all that is checked."""
    ticket = signing.dumps({"u": str(user_id)}, salt=STREAM_TICKET_SALT, compress=True)
    return StreamTicket(ticket=ticket, expires_in_seconds=_settings()["STREAM_TICKET_SECONDS"])


def stream_ticket_redeem(*, ticket: str | None) -> UUID:
    """The user a valid, unexpired ticket names; StreamTicketInvalidError otherwise."""
    if not ticket:
        raise StreamTicketInvalidError()
    try:
        claims = signing.loads(ticket, salt=STREAM_TICKET_SALT, max_age=_settings()["STREAM_TICKET_SECONDS"])
        return UUID(claims["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise StreamTicketInvalidError() from error
