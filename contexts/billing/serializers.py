"""Input and output shapes of the billing API (camelCase on the wire; money in minor units)."""

from __future__ import annotations

from rest_framework import serializers

from contexts.billing.models import (
    Interval,
    InvoiceStatus,
    SubscriptionStatus,
    TransactionKind,
    TransactionStatus,
)
from nlc.api.serializers import CamelCaseSerializer

AMOUNT_MAX = 99_999_999  # Stripe's largest amount (8 digits)


class CurrencyField(serializers.RegexField):
    """An ISO 4217 code; accepted in either case, answered in upper case."""

    def __init__(self, **kwargs):
        super().__init__(r"^[A-Za-z]{3}$", max_length=3, min_length=3, **kwargs)
        self.error_messages["invalid"] = "Give a three-letter ISO 4217 currency code, e.g. EUR."

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()


def _amount_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=AMOUNT_MAX, help_text="In minor units of the currency (cents).", **kwargs
    )


# -- plans ----------------------------------------------------------------------------------------
class PlanSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    interval = serializers.ChoiceField(choices=Interval.choices)
    active = serializers.BooleanField()
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()


class AdminPlanSerializer(PlanSerializer):
    stripeProductId = serializers.CharField()
    stripePriceId = serializers.CharField()


class PlanCreateInputSerializer(CamelCaseSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    amount = _amount_field()
    currency = CurrencyField()
    interval = serializers.ChoiceField(choices=Interval.choices)


class PlanUpdateInputSerializer(CamelCaseSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    amount = _amount_field(required=False)
    currency = CurrencyField(required=False)
    interval = serializers.ChoiceField(choices=Interval.choices, required=False)
    active = serializers.BooleanField(required=False)


class PlanFilterSerializer(CamelCaseSerializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="Admins only.")


# -- subscriptions --------------------------------------------------------------------------------
class SubscriptionSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField()
    plan = PlanSerializer()
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices)
    currentPeriodStart = serializers.DateTimeField(allow_null=True)
    currentPeriodEnd = serializers.DateTimeField(allow_null=True)
    cancelAtPeriodEnd = serializers.BooleanField()
    cancelAt = serializers.DateTimeField(allow_null=True)
    canceledAt = serializers.DateTimeField(allow_null=True)
    endedAt = serializers.DateTimeField(allow_null=True)
    trialEnd = serializers.DateTimeField(allow_null=True)
    activatedAt = serializers.DateTimeField(allow_null=True)
    checkoutUrl = serializers.SerializerMethodField()
    externalSubscriptionId = serializers.CharField(source="stripe_subscription_id", allow_null=True)
    createdAt = serializers.DateTimeField()

    def get_checkoutUrl(self, subscription) -> str | None:
        # Only useful (and only valid at Stripe) until the checkout is completed.
        if subscription.status == SubscriptionStatus.INCOMPLETE and subscription.checkout_url:
            return subscription.checkout_url
        return None


class SubscriptionCreateInputSerializer(CamelCaseSerializer):
    planId = serializers.UUIDField()


class SubscriptionFilterSerializer(CamelCaseSerializer):
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices, required=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")


# -- invoices -------------------------------------------------------------------------------------
class InvoiceSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField()
    subscriptionId = serializers.UUIDField(allow_null=True)
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    currency = serializers.CharField()
    total = serializers.IntegerField()
    amountDue = serializers.IntegerField()
    amountPaid = serializers.IntegerField()
    amountRemaining = serializers.IntegerField()
    hostedInvoiceUrl = serializers.CharField()
    pdfUrl = serializers.CharField()
    periodStart = serializers.DateTimeField(allow_null=True)
    periodEnd = serializers.DateTimeField(allow_null=True)
    dueAt = serializers.DateTimeField(allow_null=True)
    paidAt = serializers.DateTimeField(allow_null=True)
    attemptCount = serializers.IntegerField()
    nextPaymentAttemptAt = serializers.DateTimeField(allow_null=True)
    invoicedAt = serializers.DateTimeField()
    externalInvoiceId = serializers.CharField(source="stripe_invoice_id")


class DateRangeFilterSerializer(CamelCaseSerializer):
    since = serializers.DateTimeField(required=False, help_text="From this moment on (inclusive).")
    until = serializers.DateTimeField(required=False, help_text="Before this moment (exclusive).")
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": ["until must be after since."]})
        return attrs


class InvoiceFilterSerializer(DateRangeFilterSerializer):
    status = serializers.ChoiceField(choices=InvoiceStatus.choices, required=False)


# -- transactions ---------------------------------------------------------------------------------
class TransactionSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=TransactionKind.choices)
    status = serializers.ChoiceField(choices=TransactionStatus.choices)
    amount = serializers.IntegerField()
    amountRefunded = serializers.IntegerField()
    currency = serializers.CharField()
    planId = serializers.UUIDField(allow_null=True)
    subscriptionId = serializers.UUIDField(allow_null=True)
    invoiceId = serializers.UUIDField(allow_null=True)
    paymentLinkId = serializers.UUIDField(allow_null=True)
    courseId = serializers.UUIDField(allow_null=True)
    clientId = serializers.UUIDField(allow_null=True)
    clientEmail = serializers.CharField()
    clientName = serializers.CharField()
    failureCode = serializers.CharField()
    failureMessage = serializers.CharField()
    occurredAt = serializers.DateTimeField()
    paidAt = serializers.DateTimeField(allow_null=True)
    failedAt = serializers.DateTimeField(allow_null=True)
    refundedAt = serializers.DateTimeField(allow_null=True)
    externalPaymentId = serializers.CharField()


class RefundSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    reason = serializers.CharField()
    refundedAt = serializers.DateTimeField()
    externalRefundId = serializers.CharField(source="stripe_refund_id")


class TransactionDetailSerializer(TransactionSerializer):
    refunds = RefundSerializer(many=True, source="refunds.all")


class TransactionFilterSerializer(DateRangeFilterSerializer):
    status = serializers.ChoiceField(choices=TransactionStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=TransactionKind.choices, required=False)


# -- payment links --------------------------------------------------------------------------------
class PaymentLinkSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField()
    courseId = serializers.UUIDField()
    name = serializers.CharField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    url = serializers.URLField()
    active = serializers.BooleanField()
    deactivatedAt = serializers.DateTimeField(allow_null=True)
    externalPaymentLinkId = serializers.CharField(source="stripe_payment_link_id")
    createdAt = serializers.DateTimeField()


class PaymentLinkCreateInputSerializer(CamelCaseSerializer):
    courseId = serializers.UUIDField()
    name = serializers.CharField(max_length=200, help_text="What the buyer sees on Stripe's checkout page.")
    amount = _amount_field()
    currency = CurrencyField()


class PaymentLinkFilterSerializer(CamelCaseSerializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None)
    courseId = serializers.UUIDField(required=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")


# -- payment methods ------------------------------------------------------------------------------
class PaymentMethodSerializer(CamelCaseSerializer):
    """Brand, last four digits and expiry: billing knows nothing more of a card."""

    id = serializers.UUIDField()
    coachId = serializers.UUIDField()
    type = serializers.CharField()
    brand = serializers.CharField()
    last4 = serializers.CharField()
    expMonth = serializers.IntegerField(allow_null=True)
    expYear = serializers.IntegerField(allow_null=True)
    createdAt = serializers.DateTimeField()


class CoachFilterSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")
