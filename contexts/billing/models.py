"""Every money artifact of the platform, as billing keeps it: plans, Stripe customers, subscriptions,
invoices, transactions and their refunds, payment links, payment methods, and the Stripe events
already applied.

Stripe is the source of truth for what happened to money; these rows mirror it, and each one that a
Stripe event can change remembers the time (``stripe_state_at``) of the newest state applied, so an
older event arriving late never overwrites a newer state. Other contexts are referenced by UUID
columns (coach_id, course_id, client_id), never by foreign keys. Money is an integer amount in minor
units plus an upper-case ISO 4217 currency code.
"""

from __future__ import annotations

from django.db import models

from nlc.db.models import TimeStampedModel
from nlc.providers.inbound import ProviderEventRecord


class Interval(models.TextChoices):
    MONTH = "month", "Monthly"
    YEAR = "year", "Yearly"


class Plan(TimeStampedModel):
    """A platform subscription plan for coaches, synced to a Stripe product and its current price."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    amount = models.PositiveIntegerField(help_text="Price per interval, in minor units of the currency.")
    currency = models.CharField(max_length=3)
    interval = models.CharField(max_length=8, choices=Interval.choices)
    active = models.BooleanField(default=True)
    stripe_product_id = models.CharField(max_length=255, unique=True)
    stripe_price_id = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ("amount", "name")

    def __str__(self) -> str:
        return f"{self.name} ({self.amount} {self.currency}/{self.interval})"


class CustomerKind(models.TextChoices):
    COACH = "coach", "Coach (pays the platform)"
    CLIENT = "client", "Client (buys from a coach)"


class StripeCustomer(TimeStampedModel):
    """A Stripe customer: a coach paying for its subscription, or a client buying from a coach.

    ``coach_id`` is the coach the customer belongs to in both cases (the payer, or the seller).
    """

    coach_id = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=8, choices=CustomerKind.choices)
    client_id = models.UUIDField(null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=255, unique=True)
    email = models.EmailField(max_length=254, blank=True)
    name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.stripe_customer_id} ({self.kind} of {self.coach_id})"


class SubscriptionStatus(models.TextChoices):
    # incomplete: a checkout was started and Stripe has not reported a subscription yet.
    INCOMPLETE = "incomplete", "Incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete, expired"
    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    UNPAID = "unpaid", "Unpaid"
    PAUSED = "paused", "Paused"
    CANCELED = "canceled", "Canceled"


class Subscription(TimeStampedModel):
    """A coach's platform subscription, from the checkout it started to the end Stripe reports."""

    coach_id = models.UUIDField(db_index=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    customer = models.ForeignKey(
        StripeCustomer, on_delete=models.PROTECT, null=True, blank=True, related_name="subscriptions"
    )
    status = models.CharField(max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.INCOMPLETE)
    # What Stripe bills per interval (the subscription item's price times its quantity): the plan's
    # price at checkout, then what Stripe's snapshots say. A subscription keeps its price when its
    # plan's price changes later (Stripe moves nobody), so MRR is read here, never from the plan.
    amount = models.PositiveIntegerField(help_text="Price per interval, in minor units of the currency.")
    currency = models.CharField(max_length=3)
    interval = models.CharField(max_length=8, choices=Interval.choices)
    stripe_subscription_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2048, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    cancel_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    stripe_state_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.plan_id} for {self.coach_id} ({self.status})"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    UNCOLLECTIBLE = "uncollectible", "Uncollectible"
    VOID = "void", "Void"


class Invoice(TimeStampedModel):
    """A Stripe invoice to a coach (its subscription), as the newest ``invoice.*`` event shows it."""

    coach_id = models.UUIDField(db_index=True)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    number = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=InvoiceStatus.choices)
    currency = models.CharField(max_length=3)
    total = models.PositiveIntegerField(default=0)
    amount_due = models.PositiveIntegerField(default=0)
    amount_paid = models.PositiveIntegerField(default=0)
    amount_remaining = models.PositiveIntegerField(default=0)
    hosted_invoice_url = models.URLField(max_length=2048, blank=True)
    pdf_url = models.URLField(max_length=2048, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    next_payment_attempt_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    invoiced_at = models.DateTimeField(help_text="When Stripe created the invoice.")
    # Set once billing.invoice.issued was published (an invoice is issued once, open or paid).
    issued_at = models.DateTimeField(null=True, blank=True)
    stripe_state_at = models.DateTimeField()

    class Meta:
        ordering = ("-invoiced_at", "-id")

    def __str__(self) -> str:
        return self.number or self.stripe_invoice_id


class PaymentLink(TimeStampedModel):
    """A coach's Stripe payment link selling one of its offerings (a course) to clients."""

    coach_id = models.UUIDField(db_index=True)
    course_id = models.UUIDField(db_index=True)
    name = models.CharField(max_length=200)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    url = models.URLField(max_length=2048)
    active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    stripe_payment_link_id = models.CharField(max_length=255, unique=True)
    stripe_price_id = models.CharField(max_length=255)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.amount} {self.currency})"


class TransactionKind(models.TextChoices):
    SUBSCRIPTION = "subscription", "A coach pays the platform"
    COURSE_PURCHASE = "course_purchase", "A client buys a course"
    OTHER = "other", "Anything else"


class TransactionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    FAILED = "failed", "Failed"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


class Transaction(TimeStampedModel):
    """One payment: a Stripe payment intent (a checkout or a payment link sale) or a paid invoice.

    A payment's status only moves forward (pending, failed, succeeded, partially refunded,
    refunded): a failed attempt can still succeed, a success never turns back into a failure.
    """

    coach_id = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    status = models.CharField(max_length=20, choices=TransactionStatus.choices, default=TransactionStatus.PENDING)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    amount_refunded = models.PositiveIntegerField(default=0)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    payment_link = models.ForeignKey(
        PaymentLink, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    course_id = models.UUIDField(null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True, db_index=True)
    client_email = models.EmailField(max_length=254, blank=True)
    client_name = models.CharField(max_length=200, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_invoice_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    failure_code = models.CharField(max_length=100, blank=True)
    failure_message = models.CharField(max_length=1000, blank=True)
    attempt_count = models.PositiveIntegerField(default=0, help_text="Failed attempts seen so far.")
    occurred_at = models.DateTimeField(help_text="When the payment was started at Stripe.")
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    # Set once billing.payment.completed was published: it is published once, when billing knows
    # everything its consumers need (for a course purchase: the course and the client's e-mail).
    completed_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-occurred_at", "-id")
        indexes = [models.Index(fields=["coach_id", "-occurred_at"], name="billing_tx_coach_occurred")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} ({self.status})"

    @property
    def external_payment_id(self) -> str:
        """Stripe's id of the payment: its payment intent, else (a paid invoice) the invoice."""
        return self.stripe_payment_intent_id or self.stripe_invoice_id or self.stripe_checkout_session_id or ""


class Refund(TimeStampedModel):
    """A Stripe refund. One that arrives before billing knows its payment waits, unattached, and is
    applied (and published) when the payment's transaction appears."""

    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    stripe_refund_id = models.CharField(max_length=255, unique=True)
    stripe_charge_id = models.CharField(max_length=255, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=32, blank=True)
    refunded_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("refunded_at", "stripe_refund_id")

    def __str__(self) -> str:
        return f"{self.stripe_refund_id} ({self.amount} {self.currency})"


class PaymentMethod(TimeStampedModel):
    """A card a coach saved at Stripe for its subscription: brand, last four digits and expiry only.

    Stripe never sends a card number to us, and nothing here could hold one.
    """

    coach_id = models.UUIDField(db_index=True)
    customer = models.ForeignKey(StripeCustomer, on_delete=models.PROTECT, related_name="payment_methods")
    stripe_payment_method_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=32)
    brand = models.CharField(max_length=32, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    detached_at = models.DateTimeField(null=True, blank=True)
    stripe_state_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"


class StripeEvent(ProviderEventRecord):
    """A Stripe event billing has applied, by Stripe's id (``provider_event_id``): the same event
    again changes nothing, however it arrives (a redelivered bus event, or integrations replaying a
    stored webhook). Claimed with nlc.providers.inbound.provider_event_claim."""

    api_version = models.CharField(max_length=64, blank=True)

    class Meta(ProviderEventRecord.Meta):
        pass
