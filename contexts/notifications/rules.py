"""Pure decisions of the notifications context: which kinds exist, for whom, and what a notification
says about each event. No database, no clock, no I/O, so each is tested alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from contexts.notifications.data import NotificationDraft

ADMIN = "admin"
COACH = "coach"
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
KIND_MAX_LENGTH = 64


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    roles: tuple[str, ...]


# What this context tells, and to whom. notify.user requests may name other kinds; their
# preferences are kept by name all the same.
KINDS: tuple[Kind, ...] = (
    Kind("payment_received", "A client paid you (a course sale)", (COACH,)),
    Kind("payment_refunded", "A payment to you was refunded", (COACH,)),
    Kind("payment_failed", "A payment failed", (COACH,)),
    Kind("lead_created", "A new lead", (COACH,)),
    Kind("lead_booked", "A lead booked a call", (COACH,)),
    Kind("course_completed", "A learner completed a course", (COACH,)),
    Kind("asset_ready", "A video or file is ready", (COACH,)),
    Kind("asset_failed", "A video or file failed to process", (COACH,)),
    Kind("webhook_failed", "A webhook failed for good", (ADMIN,)),
    Kind("event_dead_lettered", "A context gave up on an event (dead letter)", (ADMIN,)),
    Kind("coach_signed_up", "A new coach signed up", (ADMIN,)),
    Kind("subscription_canceled", "A coach's subscription ended", (ADMIN,)),
)
KIND_NAMES = frozenset(kind.name for kind in KINDS)

# Currencies whose minor unit is the unit itself (ISO 4217 exponent 0), as Stripe lists them.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)


def kinds_for(role: str) -> tuple[Kind, ...]:
    return tuple(kind for kind in KINDS if role in kind.roles)


def kind_is_valid(name: str) -> bool:
    return len(name) <= KIND_MAX_LENGTH and bool(KIND_PATTERN.match(name))


def money(amount: int, currency: str) -> str:
    """``4900, "USD"`` -> ``"49.00 USD"``; ``500, "JPY"`` -> ``"500 JPY"``."""
    if currency in ZERO_DECIMAL_CURRENCIES:
        return f"{amount} {currency}"
    return f"{amount // 100}.{amount % 100:02d} {currency}"


def person(name: str | None, email: str | None, fallback: str = "A client") -> str:
    return (name or "").strip() or (email or "").strip() or fallback


def sale(
    *, transaction_id: UUID, coach_id: UUID, amount: int, currency: str, client: str, course: bool
) -> NotificationDraft:
    what = "bought a course" if course else "paid you"
    return NotificationDraft(
        kind="payment_received",
        title=f"New sale: {money(amount, currency)}",
        body=f"{client} {what}.",
        link=f"/billing/transactions/{transaction_id}",
        key=f"payment_received:{transaction_id}",
        coach_id=coach_id,
    )


def refund(
    *, refund_id: UUID, transaction_id: UUID, coach_id: UUID, amount: int, currency: str, client: str, full: bool
) -> NotificationDraft:
    return NotificationDraft(
        kind="payment_refunded",
        title=f"{'Refunded' if full else 'Partly refunded'}: {money(amount, currency)}",
        body=f"{client}'s payment was refunded{'' if full else ' in part'}.",
        link=f"/billing/transactions/{transaction_id}",
        key=f"payment_refunded:{refund_id}",
        coach_id=coach_id,
    )


def payment_failure(
    *,
    transaction_id: UUID,
    coach_id: UUID,
    amount: int,
    currency: str,
    subscription: bool,
    client: str,
    reason: str | None,
    attempt: int,
) -> NotificationDraft:
    if subscription:
        title = f"Your subscription payment of {money(amount, currency)} failed"
        body = "Update your card to keep your plan."
    else:
        title = f"A payment of {money(amount, currency)} failed"
        body = f"{client}'s payment did not go through."
    if reason:
        body = f"{body} {reason}"
    return NotificationDraft(
        kind="payment_failed",
        title=title,
        body=body[:2000],
        link=f"/billing/transactions/{transaction_id}",
        key=f"payment_failed:{transaction_id}:{attempt}",
        coach_id=coach_id,
    )


def new_lead(*, lead_id: UUID, coach_id: UUID, name: str, email: str, source: str) -> NotificationDraft:
    via = {"landing_page": "your landing page", "calendly": "Calendly", "manual": "you", "import": "an import"}
    return NotificationDraft(
        kind="lead_created",
        title=f"New lead: {person(name, email)}",
        body=f"{email} came in through {via.get(source, source)}.",
        link=f"/leads/{lead_id}",
        key=f"lead_created:{lead_id}",
        coach_id=coach_id,
    )


def booking(*, lead_id: UUID, coach_id: UUID, changed_at_key: str) -> NotificationDraft:
    return NotificationDraft(
        kind="lead_booked",
        title="A lead booked a call",
        body="A lead in your pipeline moved to booked.",
        link=f"/leads/{lead_id}",
        key=f"lead_booked:{lead_id}:{changed_at_key}",
        coach_id=coach_id,
    )


def completion(
    *, enrollment_id: UUID, coach_id: UUID, course_id: UUID, course_title: str, client: str
) -> NotificationDraft:
    return NotificationDraft(
        kind="course_completed",
        title=f"{client} completed {course_title}"[:200],
        body=f"Every lesson of {course_title} is done.",
        link=f"/courses/{course_id}/enrollments/{enrollment_id}",
        key=f"course_completed:{enrollment_id}",
        coach_id=coach_id,
    )


def asset_outcome(*, asset_id: UUID, coach_id: UUID, kind: str, ready: bool, reason: str = "") -> NotificationDraft:
    noun = {"video": "Your video", "image": "Your image", "document": "Your document"}.get(kind, "Your file")
    return NotificationDraft(
        kind="asset_ready" if ready else "asset_failed",
        title=f"{noun} is ready" if ready else f"{noun} could not be processed",
        body="It can be used in your lessons now." if ready else reason,
        link=f"/media/assets/{asset_id}",
        key=f"{'asset_ready' if ready else 'asset_failed'}:{asset_id}",
        coach_id=coach_id,
    )


def webhook_failure(
    *, webhook_event_id: UUID, provider: str, event_type: str, reason: str, attempts: int
) -> NotificationDraft:
    return NotificationDraft(
        kind="webhook_failed",
        title=f"A {provider} webhook failed for good ({event_type})"[:200],
        body=f"After {attempts} attempt{'s' if attempts != 1 else ''}: {reason}"[:2000],
        link=f"/integrations/webhooks/{webhook_event_id}",
        key=f"webhook_failed:{webhook_event_id}",
        coach_id=None,
    )


def coach_signup(*, user_id: UUID, name: str, email: str, method: str) -> NotificationDraft:
    return NotificationDraft(
        kind="coach_signed_up",
        title=f"New coach: {person(name, email, fallback=email)}"[:200],
        body=f"{email} signed up ({method}).",
        link=f"/auth/users/{user_id}",
        key=f"coach_signed_up:{user_id}",
        coach_id=user_id,
    )


def cancellation(
    *, subscription_id: UUID, coach_id: UUID, plan: str, amount: int, currency: str, interval: str, reason: str | None
) -> NotificationDraft:
    body = f"{plan} ({money(amount, currency)} a {interval}) ended"
    return NotificationDraft(
        kind="subscription_canceled",
        title=f"A coach's subscription ended: {plan}"[:200],
        body=f"{body}: {reason}." if reason else f"{body}.",
        link=f"/billing/subscriptions/{subscription_id}",
        key=f"subscription_canceled:{subscription_id}",
        coach_id=coach_id,
    )


def requested(
    *, notification_id: UUID, coach_id: UUID | None, kind: str, title: str, body: str, link: str | None
) -> NotificationDraft:
    return NotificationDraft(
        kind=kind, title=title, body=body, link=link or "", key=f"request:{notification_id}", coach_id=coach_id
    )
