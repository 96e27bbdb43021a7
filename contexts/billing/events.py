"""What the billing context publishes; payloads follow docs/contracts/events/billing/.

Each function is called by a service inside its transaction on the billing alias, with the row it
publishes about locked, so one aggregate's events leave in commit order.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from contexts.billing.data import SubscriptionTerms
from contexts.billing.models import Invoice, InvoiceStatus, PaymentLink, Refund, Subscription, Transaction
from nlc.events import publish

SUBSCRIPTION_ACTIVATED = "billing.subscription.activated"
SUBSCRIPTION_UPDATED = "billing.subscription.updated"
SUBSCRIPTION_CANCELED = "billing.subscription.canceled"
PAYMENT_LINK_CREATED = "billing.payment_link.created"
PAYMENT_COMPLETED = "billing.payment.completed"
PAYMENT_FAILED = "billing.payment.failed"
PAYMENT_REFUNDED = "billing.payment.refunded"
INVOICE_ISSUED = "billing.invoice.issued"
# The reasons the contract names; Stripe's others (expired_uncaptured_charge, ...) travel as null.
REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})


def subscription_activated_publish(*, subscription: Subscription) -> dict:
    plan = subscription.plan
    return publish(
        SUBSCRIPTION_ACTIVATED,
        {
            "subscriptionId": subscription.id,
            "coachId": subscription.coach_id,
            "planId": plan.id,
            "planName": plan.name,
            "status": subscription.status,
            "amount": subscription.amount,
            "currency": subscription.currency,
            "interval": subscription.interval,
            "currentPeriodStart": subscription.current_period_start,
            "currentPeriodEnd": subscription.current_period_end,
            "trialEndsAt": subscription.trial_end,
            "externalSubscriptionId": subscription.stripe_subscription_id,
            "activatedAt": subscription.activated_at,
        },
        aggregate_id=subscription.id,
    )


def subscription_updated_publish(
    *, subscription: Subscription, previous: SubscriptionTerms, changed_at: datetime
) -> dict:
    return publish(
        SUBSCRIPTION_UPDATED,
        {
            "subscriptionId": subscription.id,
            "coachId": subscription.coach_id,
            "planId": subscription.plan_id,
            "planName": subscription.plan.name,
            "previousPlanId": previous.plan_id,
            "status": subscription.status,
            "previousStatus": previous.status,
            "amount": subscription.amount,
            "previousAmount": previous.amount,
            "currency": subscription.currency,
            "interval": subscription.interval,
            "previousInterval": previous.interval,
            "currentPeriodEnd": subscription.current_period_end,
            "externalSubscriptionId": subscription.stripe_subscription_id,
            "changedAt": changed_at,
        },
        aggregate_id=subscription.id,
    )


def subscription_canceled_publish(*, subscription: Subscription, reason: str | None, canceled_at: datetime) -> dict:
    return publish(
        SUBSCRIPTION_CANCELED,
        {
            "subscriptionId": subscription.id,
            "coachId": subscription.coach_id,
            "planId": subscription.plan_id,
            "planName": subscription.plan.name,
            "amount": subscription.amount,
            "currency": subscription.currency,
            "interval": subscription.interval,
            "reason": reason,
            "externalSubscriptionId": subscription.stripe_subscription_id,
            "canceledAt": canceled_at,
        },
        aggregate_id=subscription.id,
    )


def payment_link_created_publish(*, payment_link: PaymentLink) -> dict:
    return publish(
        PAYMENT_LINK_CREATED,
        {
            "paymentLinkId": payment_link.id,
            "coachId": payment_link.coach_id,
            "courseId": payment_link.course_id,
            "name": payment_link.name,
            "amount": payment_link.amount,
            "currency": payment_link.currency,
            "url": payment_link.url,
            "externalPaymentLinkId": payment_link.stripe_payment_link_id,
            "createdAt": payment_link.created_at,
        },
        aggregate_id=payment_link.id,
    )


def _payment_fields(transaction: Transaction) -> dict:
    return {
        "transactionId": transaction.id,
        "coachId": transaction.coach_id,
        "planId": transaction.plan_id,
        "subscriptionId": transaction.subscription_id,
        "paymentLinkId": transaction.payment_link_id,
        "courseId": transaction.course_id,
        "clientId": transaction.client_id,
        "clientEmail": transaction.client_email or None,
        "clientName": transaction.client_name or None,
        "kind": transaction.kind,
        "amount": transaction.amount,
        "currency": transaction.currency,
    }


def payment_completed_publish(*, transaction: Transaction) -> dict:
    return publish(
        PAYMENT_COMPLETED,
        {
            **_payment_fields(transaction),
            "externalPaymentId": transaction.external_payment_id,
            "status": "completed",
            "paidAt": transaction.paid_at,
        },
        aggregate_id=transaction.id,
    )


def payment_failed_publish(*, transaction: Transaction, next_attempt_at: datetime | None) -> dict:
    return publish(
        PAYMENT_FAILED,
        {
            **_payment_fields(transaction),
            "externalPaymentId": transaction.external_payment_id or None,
            "failureCode": transaction.failure_code or None,
            "failureMessage": transaction.failure_message or None,
            "attemptCount": max(transaction.attempt_count, 1),
            "nextAttemptAt": next_attempt_at,
            "failedAt": transaction.failed_at,
        },
        aggregate_id=transaction.id,
    )


def payment_refunded_publish(*, refund: Refund, transaction: Transaction, full_refund: bool) -> dict:
    return publish(
        PAYMENT_REFUNDED,
        {
            "refundId": refund.id,
            "transactionId": transaction.id,
            "coachId": transaction.coach_id,
            "kind": transaction.kind,
            "courseId": transaction.course_id,
            "clientId": transaction.client_id,
            "clientEmail": transaction.client_email or None,
            "amount": refund.amount,
            "currency": refund.currency,
            "paymentAmount": transaction.amount,
            "fullRefund": full_refund,
            "reason": refund.reason if refund.reason in REFUND_REASONS else None,
            "externalRefundId": refund.stripe_refund_id,
            "refundedAt": refund.refunded_at,
        },
        aggregate_id=transaction.id,
    )


def invoice_issued_publish(*, invoice: Invoice) -> dict:
    return publish(
        INVOICE_ISSUED,
        {
            "invoiceId": invoice.id,
            "number": invoice.number or invoice.stripe_invoice_id,
            "coachId": invoice.coach_id,
            "subscriptionId": invoice.subscription_id,
            "status": InvoiceStatus.PAID if invoice.status == InvoiceStatus.PAID else InvoiceStatus.OPEN,
            "amount": invoice.amount_due,
            "currency": invoice.currency,
            "periodStart": invoice.period_start,
            "periodEnd": invoice.period_end,
            "dueAt": invoice.due_at,
            "hostedInvoiceUrl": invoice.hosted_invoice_url or None,
            "pdfUrl": invoice.pdf_url or None,
            "externalInvoiceId": invoice.stripe_invoice_id,
            "issuedAt": invoice.issued_at or timezone.now(),
        },
        aggregate_id=invoice.id,
    )
