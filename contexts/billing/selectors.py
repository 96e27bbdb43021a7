"""Reads of the billing context, scoped to the caller: a coach sees its own rows, an admin all."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from contexts.billing.models import Invoice, PaymentLink, PaymentMethod, Plan, Subscription, Transaction
from nlc.api.principal import Principal
from nlc.api.scoping import scope_to_principal


def _coach_filter(rows: QuerySet, filters: dict[str, Any]) -> QuerySet:
    """An admin may narrow any list to one coach (a coach's own lists are narrowed already)."""
    return rows.filter(coach_id=filters["coach_id"]) if filters.get("coach_id") else rows


def plan_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Plan]:
    """Active plans for everyone; admins also see (and may filter on) inactive ones."""
    filters = filters or {}
    plans = Plan.objects.all()
    if not principal.is_admin:
        return plans.filter(active=True)
    if filters.get("active") is not None:
        plans = plans.filter(active=filters["active"])
    return plans


def plan_get(*, principal: Principal, plan_id: UUID) -> Plan | None:
    return plan_list(principal=principal).filter(pk=plan_id).first()


def subscription_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Subscription]:
    filters = filters or {}
    subscriptions = scope_to_principal(Subscription.objects.select_related("plan"), principal)
    if filters.get("status"):
        subscriptions = subscriptions.filter(status=filters["status"])
    return _coach_filter(subscriptions, filters).order_by("-created_at", "-id")


def subscription_get(*, principal: Principal, subscription_id: UUID) -> Subscription | None:
    return subscription_list(principal=principal).filter(pk=subscription_id).first()


def invoice_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Invoice]:
    filters = filters or {}
    invoices = scope_to_principal(Invoice.objects.all(), principal)
    if filters.get("status"):
        invoices = invoices.filter(status=filters["status"])
    if filters.get("since"):
        invoices = invoices.filter(invoiced_at__gte=filters["since"])
    if filters.get("until"):
        invoices = invoices.filter(invoiced_at__lt=filters["until"])
    return _coach_filter(invoices, filters).order_by("-invoiced_at", "-id")


def invoice_get(*, principal: Principal, invoice_id: UUID) -> Invoice | None:
    return invoice_list(principal=principal).filter(pk=invoice_id).first()


def transaction_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Transaction]:
    """Payments, newest first; ``since``/``until`` bound when the payment was started at Stripe."""
    filters = filters or {}
    transactions = scope_to_principal(Transaction.objects.all(), principal)
    if filters.get("status"):
        transactions = transactions.filter(status=filters["status"])
    if filters.get("kind"):
        transactions = transactions.filter(kind=filters["kind"])
    if filters.get("since"):
        transactions = transactions.filter(occurred_at__gte=filters["since"])
    if filters.get("until"):
        transactions = transactions.filter(occurred_at__lt=filters["until"])
    return _coach_filter(transactions, filters).order_by("-occurred_at", "-id")


def transaction_get(*, principal: Principal, transaction_id: UUID) -> Transaction | None:
    return transaction_list(principal=principal).filter(pk=transaction_id).first()


def payment_link_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[PaymentLink]:
    filters = filters or {}
    links = scope_to_principal(PaymentLink.objects.all(), principal)
    if filters.get("active") is not None:
        links = links.filter(active=filters["active"])
    if filters.get("course_id"):
        links = links.filter(course_id=filters["course_id"])
    return _coach_filter(links, filters).order_by("-created_at", "-id")


def payment_link_get(*, principal: Principal, payment_link_id: UUID) -> PaymentLink | None:
    return payment_link_list(principal=principal).filter(pk=payment_link_id).first()


def payment_method_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[PaymentMethod]:
    """The cards coaches keep at Stripe for their subscription (detached ones are gone)."""
    filters = filters or {}
    methods = scope_to_principal(PaymentMethod.objects.filter(detached_at__isnull=True), principal)
    return _coach_filter(methods, filters).order_by("-created_at", "-id")
