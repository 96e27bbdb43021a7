"""Plain result types of the billing context."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class SubscriptionTerms:
    """What a subscription is worth and where it stands: what billing.subscription.* events tell of
    it, and their previous* fields before a change."""

    plan_id: UUID
    status: str
    amount: int
    currency: str
    interval: str

    @classmethod
    def of(cls, subscription) -> SubscriptionTerms:
        return cls(
            plan_id=subscription.plan_id,
            status=subscription.status,
            amount=subscription.amount,
            currency=subscription.currency,
            interval=subscription.interval,
        )
