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
class PlanSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    interval = serializers.ChoiceField(choices=Interval.choices)
    active = serializers.BooleanField()
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")


class AdminPlanSerializer(PlanSerializer):
    stripeProductId = serializers.CharField(source="stripe_product_id")
    stripePriceId = serializers.CharField(source="stripe_price_id")


class PlanCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    amount = _amount_field()
    currency = CurrencyField()
    interval = serializers.ChoiceField(choices=Interval.choices)


class PlanUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    amount = _amount_field(required=False)
    currency = CurrencyField(required=False)
    interval = serializers.ChoiceField(choices=Interval.choices, required=False)
    active = serializers.BooleanField(required=False)


class PlanFilterSerializer(serializers.Serializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="Admins only.")


# -- subscriptions --------------------------------------------------------------------------------
class SubscriptionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField(source="coach_id")
    plan = PlanSerializer()
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices)
    currentPeriodStart = serializers.DateTimeField(source="current_period_start", allow_null=True)
    currentPeriodEnd = serializers.DateTimeField(source="current_period_end", allow_null=True)
    cancelAtPeriodEnd = serializers.BooleanField(source="cancel_at_period_end")
    cancelAt = serializers.DateTimeField(source="cancel_at", allow_null=True)
    canceledAt = serializers.DateTimeField(source="canceled_at", allow_null=True)
    endedAt = serializers.DateTimeField(source="ended_at", allow_null=True)
    trialEnd = serializers.DateTimeField(source="trial_end", allow_null=True)
    activatedAt = serializers.DateTimeField(source="activated_at", allow_null=True)
    checkoutUrl = serializers.SerializerMethodField()
    externalSubscriptionId = serializers.CharField(source="stripe_subscription_id", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")

    def get_checkoutUrl(self, subscription) -> str | None:
        # Only useful (and only valid at Stripe) until the checkout is completed.
        if subscription.status == SubscriptionStatus.INCOMPLETE and subscription.checkout_url:
            return subscription.checkout_url
        return None


class SubscriptionCreateInputSerializer(serializers.Serializer):
    planId = serializers.UUIDField()


class SubscriptionFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices, required=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")


# -- invoices -------------------------------------------------------------------------------------
class InvoiceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField(source="coach_id")
    subscriptionId = serializers.UUIDField(source="subscription_id", allow_null=True)
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    currency = serializers.CharField()
    total = serializers.IntegerField()
    amountDue = serializers.IntegerField(source="amount_due")
    amountPaid = serializers.IntegerField(source="amount_paid")
    amountRemaining = serializers.IntegerField(source="amount_remaining")
    hostedInvoiceUrl = serializers.CharField(source="hosted_invoice_url")
    pdfUrl = serializers.CharField(source="pdf_url")
    periodStart = serializers.DateTimeField(source="period_start", allow_null=True)
    periodEnd = serializers.DateTimeField(source="period_end", allow_null=True)
    dueAt = serializers.DateTimeField(source="due_at", allow_null=True)
    paidAt = serializers.DateTimeField(source="paid_at", allow_null=True)
    attemptCount = serializers.IntegerField(source="attempt_count")
    nextPaymentAttemptAt = serializers.DateTimeField(source="next_payment_attempt_at", allow_null=True)
    invoicedAt = serializers.DateTimeField(source="invoiced_at")
    externalInvoiceId = serializers.CharField(source="stripe_invoice_id")


class DateRangeFilterSerializer(serializers.Serializer):
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
class TransactionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField(source="coach_id")
    kind = serializers.ChoiceField(choices=TransactionKind.choices)
    status = serializers.ChoiceField(choices=TransactionStatus.choices)
    amount = serializers.IntegerField()
    amountRefunded = serializers.IntegerField(source="amount_refunded")
    currency = serializers.CharField()
    planId = serializers.UUIDField(source="plan_id", allow_null=True)
    subscriptionId = serializers.UUIDField(source="subscription_id", allow_null=True)
    invoiceId = serializers.UUIDField(source="invoice_id", allow_null=True)
    paymentLinkId = serializers.UUIDField(source="payment_link_id", allow_null=True)
    courseId = serializers.UUIDField(source="course_id", allow_null=True)
    clientId = serializers.UUIDField(source="client_id", allow_null=True)
    clientEmail = serializers.CharField(source="client_email")
    clientName = serializers.CharField(source="client_name")
    failureCode = serializers.CharField(source="failure_code")
    failureMessage = serializers.CharField(source="failure_message")
    occurredAt = serializers.DateTimeField(source="occurred_at")
    paidAt = serializers.DateTimeField(source="paid_at", allow_null=True)
    failedAt = serializers.DateTimeField(source="failed_at", allow_null=True)
    refundedAt = serializers.DateTimeField(source="refunded_at", allow_null=True)
    externalPaymentId = serializers.CharField(source="external_payment_id")


class RefundSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    reason = serializers.CharField()
    refundedAt = serializers.DateTimeField(source="refunded_at")
    externalRefundId = serializers.CharField(source="stripe_refund_id")


class TransactionDetailSerializer(TransactionSerializer):
    refunds = RefundSerializer(many=True, source="refunds.all")


class TransactionFilterSerializer(DateRangeFilterSerializer):
    status = serializers.ChoiceField(choices=TransactionStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=TransactionKind.choices, required=False)


# -- payment links --------------------------------------------------------------------------------
class PaymentLinkSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField(source="coach_id")
    courseId = serializers.UUIDField(source="course_id")
    name = serializers.CharField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    url = serializers.URLField()
    active = serializers.BooleanField()
    deactivatedAt = serializers.DateTimeField(source="deactivated_at", allow_null=True)
    externalPaymentLinkId = serializers.CharField(source="stripe_payment_link_id")
    createdAt = serializers.DateTimeField(source="created_at")


class PaymentLinkCreateInputSerializer(serializers.Serializer):
    courseId = serializers.UUIDField()
    name = serializers.CharField(max_length=200, help_text="What the buyer sees on Stripe's checkout page.")
    amount = _amount_field()
    currency = CurrencyField()


class PaymentLinkFilterSerializer(serializers.Serializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None)
    courseId = serializers.UUIDField(required=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")


# -- payment methods ------------------------------------------------------------------------------
class PaymentMethodSerializer(serializers.Serializer):
    """Brand, last four digits and expiry: billing knows nothing more of a card."""

    id = serializers.UUIDField()
    coachId = serializers.UUIDField(source="coach_id")
    type = serializers.CharField()
    brand = serializers.CharField()
    last4 = serializers.CharField()
    expMonth = serializers.IntegerField(source="exp_month", allow_null=True)
    expYear = serializers.IntegerField(source="exp_year", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")


class CoachFilterSerializer(serializers.Serializer):
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")
