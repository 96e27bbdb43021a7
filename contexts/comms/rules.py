"""Pure decisions of the comms context: no I/O."""

from __future__ import annotations

from datetime import UTC, datetime

from contexts.comms.models import MessageStatus

# ISO 4217 currencies without minor units (amounts arrive in minor units).
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)

# How far along a message is; a provider's events only move it forward (an open after a click
# leaves it clicked), and a bounce or a complaint ends it.
PROGRESS: dict[str, int] = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.OPENED: 4,
    MessageStatus.CLICKED: 5,
    MessageStatus.FAILED: 6,
    MessageStatus.BOUNCED: 7,
    MessageStatus.COMPLAINED: 8,
}


def status_after(current: str, reported: str) -> str:
    """The status a message takes when the provider reports ``reported``."""
    if current == MessageStatus.SUPPRESSED:
        return current
    return reported if PROGRESS.get(reported, 0) > PROGRESS.get(current, 0) else current


def money(amount: int, currency: str) -> str:
    """``4900, "USD"`` -> ``49.00 USD``."""
    code = currency.upper()
    if code in ZERO_DECIMAL_CURRENCIES:
        return f"{amount:,} {code}"
    return f"{amount // 100:,}.{amount % 100:02d} {code}"


def moment_text(moment: datetime | None) -> str:
    """A moment as an e-mail shows it: ``2026-12-01 10:30 UTC``."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
