"""Reads of the billing context, scoped to the caller: a coach sees its own rows, an admin all."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from contexts.billing.models import Invoice, PaymentLink, PaymentMethod, Plan, Subscription, Transaction
from nlc.api.principal import Principal
from nlc.api.scoping import scope_to_principal
from nlc.db.filters import filter_by


# An admin may narrow any list to one coach (a coach's own lists are narrowed already).
def plan_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Plan]:
    """Active plans for everyone; admins also see (and may filter on) inactive ones."""
    filters = filters or {}
    plans = Plan.objects.all()
    if not principal.is_admin:
        return plans.filter(active=True)
    return filter_by(plans, filters, active="active")


def plan_get(*, principal: Principal, plan_id: UUID) -> Plan | None:
    return plan_list(principal=principal).filter(pk=plan_id).first()


def subscription_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Subscription]:
    filters = filters or {}
    subscriptions = scope_to_principal(Subscription.objects.select_related("plan"), principal)
    return filter_by(subscriptions, filters, status="status", coach_id="coach_id").order_by("-created_at", "-id")


def subscription_get(*, principal: Principal, subscription_id: UUID) -> Subscription | None:
    return subscription_list(principal=principal).filter(pk=subscription_id).first()


def invoice_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Invoice]:
    filters = filters or {}
    invoices = filter_by(
        scope_to_principal(Invoice.objects.all(), principal),
        filters,
        status="status",
        since="invoiced_at__gte",
        until="invoiced_at__lt",
        coach_id="coach_id",
    )
    return invoices.order_by("-invoiced_at", "-id")


def invoice_get(*, principal: Principal, invoice_id: UUID) -> Invoice | None:
    return invoice_list(principal=principal).filter(pk=invoice_id).first()


def transaction_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Transaction]:
    """Payments, newest first; ``since``/``until`` bound when the payment was started at Stripe."""
    filters = filters or {}
    transactions = filter_by(
        scope_to_principal(Transaction.objects.all(), principal),
        filters,
        status="status",
        kind="kind",
        since="occurred_at__gte",
        until="occurred_at__lt",
        coach_id="coach_id",
    )
    return transactions.order_by("-occurred_at", "-id")


def transaction_get(*, principal: Principal, transaction_id: UUID) -> Transaction | None:
    return transaction_list(principal=principal).filter(pk=transaction_id).first()


def payment_link_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[PaymentLink]:
    filters = filters or {}
    links = scope_to_principal(PaymentLink.objects.all(), principal)
    links = filter_by(links, filters, active="active", course_id="course_id", coach_id="coach_id")
    return links.order_by("-created_at", "-id")


def payment_link_get(*, principal: Principal, payment_link_id: UUID) -> PaymentLink | None:
    return payment_link_list(principal=principal).filter(pk=payment_link_id).first()


def payment_method_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[PaymentMethod]:
    """The cards coaches keep at Stripe for their subscription (detached ones are gone)."""
    filters = filters or {}
    methods = scope_to_principal(PaymentMethod.objects.filter(detached_at__isnull=True), principal)
    return filter_by(methods, filters, coach_id="coach_id").order_by("-created_at", "-id")
