"""The Django admin shows every billing row, read-only: they mirror Stripe (changed by its events)
or are written through the API's services, which call Stripe first (plans, payment links)."""

from django.contrib import admin

from contexts.billing.models import (
    Invoice,
    PaymentLink,
    PaymentMethod,
    Plan,
    Refund,
    StripeCustomer,
    StripeEvent,
    Subscription,
    Transaction,
)
from nlc.admin import ReadOnlyAdmin


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("name", "amount", "currency", "interval", "active", "stripe_price_id")
    list_filter = ("active", "interval", "currency")
    search_fields = ("name", "=stripe_product_id", "=stripe_price_id")


@admin.register(StripeCustomer)
class StripeCustomerAdmin(ReadOnlyAdmin):
    list_display = ("stripe_customer_id", "kind", "coach_id", "email", "created_at")
    list_filter = ("kind",)
    search_fields = ("=stripe_customer_id", "email", "=coach_id", "=client_id")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "coach_id",
        "plan",
        "status",
        "amount",
        "currency",
        "interval",
        "current_period_end",
        "cancel_at_period_end",
    )
    list_filter = ("status", "cancel_at_period_end", "plan")
    list_select_related = ("plan",)
    search_fields = ("=id", "=coach_id", "=stripe_subscription_id", "=stripe_checkout_session_id")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "coach_id", "status", "amount_due", "currency", "invoiced_at")
    list_filter = ("status", "currency")
    search_fields = ("number", "=stripe_invoice_id", "=coach_id")
    date_hierarchy = "invoiced_at"


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "amount", "currency", "coach_id", "client_email", "occurred_at")
    list_filter = ("status", "kind", "currency")
    search_fields = (
        "=id",
        "=coach_id",
        "client_email",
        "=stripe_payment_intent_id",
        "=stripe_checkout_session_id",
        "=stripe_invoice_id",
        "=stripe_charge_id",
    )
    date_hierarchy = "occurred_at"


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("stripe_refund_id", "transaction", "amount", "currency", "reason", "refunded_at")
    search_fields = ("=stripe_refund_id", "=stripe_charge_id", "=stripe_payment_intent_id")


@admin.register(PaymentLink)
class PaymentLinkAdmin(ReadOnlyAdmin):
    list_display = ("name", "coach_id", "course_id", "amount", "currency", "active", "created_at")
    list_filter = ("active", "currency")
    search_fields = ("name", "=coach_id", "=course_id", "=stripe_payment_link_id")


@admin.register(PaymentMethod)
class PaymentMethodAdmin(ReadOnlyAdmin):
    list_display = ("stripe_payment_method_id", "coach_id", "brand", "last4", "exp_month", "exp_year", "detached_at")
    search_fields = ("=stripe_payment_method_id", "=coach_id")


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("provider_event_id", "event_type", "outcome", "note", "provider_created_at", "processed_at")
    list_filter = ("outcome", "event_type")
    search_fields = ("=provider_event_id",)
    date_hierarchy = "processed_at"
