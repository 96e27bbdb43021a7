"""Every billing model is in the Django admin, read-only (rows mirror Stripe or go through services)."""

import pytest

from contexts.billing.tests.factories import (
    InvoiceFactory,
    PaymentLinkFactory,
    PaymentMethodFactory,
    SubscriptionFactory,
    TransactionFactory,
)

pytestmark = pytest.mark.django_db(databases="__all__")

MODELS = [
    "plan",
    "stripecustomer",
    "subscription",
    "invoice",
    "transaction",
    "refund",
    "paymentlink",
    "paymentmethod",
    "stripeevent",
]


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.com", "a-Strong-pass-123")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_each_model_has_a_read_only_page(model, staff_client):
    subscription = SubscriptionFactory()
    InvoiceFactory(subscription=subscription)
    TransactionFactory(subscription=subscription)
    PaymentLinkFactory()
    PaymentMethodFactory()
    assert staff_client.get(f"/admin/billing/{model}/").status_code == 200
    assert staff_client.get(f"/admin/billing/{model}/add/").status_code == 403


def test_a_row_opens_without_a_change_form(staff_client):
    transaction_row = TransactionFactory()
    response = staff_client.get(f"/admin/billing/transaction/{transaction_row.id}/change/")
    assert response.status_code == 200
    assert b'type="submit" value="Save"' not in response.content
