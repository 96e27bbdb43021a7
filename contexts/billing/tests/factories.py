"""Billing rows as they are stored (no Stripe calls, no events: they stand for existing data)."""

from datetime import UTC, datetime

import factory
from factory.django import DjangoModelFactory

from contexts.billing.models import (
    CustomerKind,
    Interval,
    Invoice,
    InvoiceStatus,
    PaymentLink,
    PaymentMethod,
    Plan,
    StripeCustomer,
    Subscription,
    SubscriptionStatus,
    Transaction,
    TransactionKind,
    TransactionStatus,
)
from nlc.testing.principals import COACH_EMAIL, COACH_ID

MOMENT = datetime(2026, 7, 30, 10, 0, tzinfo=UTC)


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    name = factory.Sequence(lambda n: f"Coach plan {n}")
    amount = 2000
    currency = "USD"
    interval = Interval.MONTH
    stripe_product_id = factory.Sequence(lambda n: f"prod_FACTORY{n:08d}")
    stripe_price_id = factory.Sequence(lambda n: f"price_FACTORY{n:08d}")


class StripeCustomerFactory(DjangoModelFactory):
    class Meta:
        model = StripeCustomer

    coach_id = COACH_ID
    kind = CustomerKind.COACH
    stripe_customer_id = factory.Sequence(lambda n: f"cus_FACTORY{n:08d}")
    email = COACH_EMAIL


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Subscription

    coach_id = COACH_ID
    plan = factory.SubFactory(PlanFactory)
    amount = factory.SelfAttribute("plan.amount")
    currency = factory.SelfAttribute("plan.currency")
    interval = factory.SelfAttribute("plan.interval")
    status = SubscriptionStatus.ACTIVE
    stripe_subscription_id = factory.Sequence(lambda n: f"sub_FACTORY{n:08d}")
    stripe_checkout_session_id = factory.Sequence(lambda n: f"cs_test_FACTORY{n:08d}")
    current_period_start = MOMENT
    current_period_end = datetime(2026, 8, 30, 10, 0, tzinfo=UTC)
    stripe_state_at = MOMENT


class InvoiceFactory(DjangoModelFactory):
    class Meta:
        model = Invoice

    coach_id = COACH_ID
    stripe_invoice_id = factory.Sequence(lambda n: f"in_FACTORY{n:08d}")
    number = factory.Sequence(lambda n: f"NLC-{n:04d}")
    status = InvoiceStatus.PAID
    currency = "USD"
    total = amount_due = amount_paid = 2000
    hosted_invoice_url = "https://invoice.stripe.com/i/FAKE"
    pdf_url = "https://pay.stripe.com/invoice/FAKE/pdf"
    invoiced_at = MOMENT
    stripe_state_at = MOMENT


class PaymentLinkFactory(DjangoModelFactory):
    class Meta:
        model = PaymentLink

    coach_id = COACH_ID
    course_id = factory.Faker("uuid4", cast_to=None)
    name = "Course"
    amount = 4900
    currency = "USD"
    url = factory.Sequence(lambda n: f"https://buy.stripe.com/test_FACTORY{n:08d}")
    stripe_payment_link_id = factory.Sequence(lambda n: f"plink_FACTORY{n:08d}")
    stripe_price_id = factory.Sequence(lambda n: f"price_FACTORYLINK{n:08d}")


class TransactionFactory(DjangoModelFactory):
    class Meta:
        model = Transaction

    coach_id = COACH_ID
    kind = TransactionKind.OTHER
    status = TransactionStatus.SUCCEEDED
    amount = 4900
    currency = "USD"
    stripe_payment_intent_id = factory.Sequence(lambda n: f"pi_FACTORY{n:08d}")
    occurred_at = MOMENT
    paid_at = MOMENT


class PaymentMethodFactory(DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    coach_id = COACH_ID
    customer = factory.SubFactory(StripeCustomerFactory, coach_id=factory.SelfAttribute("..coach_id"))
    stripe_payment_method_id = factory.Sequence(lambda n: f"pm_FACTORY{n:08d}")
    type = "card"
    brand = "visa"
    last4 = "4242"
    exp_month = 8
    exp_year = 2030
    stripe_state_at = MOMENT
