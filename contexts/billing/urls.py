from django.urls import path

from contexts.billing import views

app_name = "billing"

urlpatterns = [
    path("plans", views.PlanListView.as_view(), name="plans"),
    path("plans/<uuid:plan_id>", views.PlanDetailView.as_view(), name="plan"),
    path("subscriptions", views.SubscriptionListView.as_view(), name="subscriptions"),
    path("subscriptions/<uuid:subscription_id>", views.SubscriptionDetailView.as_view(), name="subscription"),
    path(
        "subscriptions/<uuid:subscription_id>/cancel",
        views.SubscriptionCancelView.as_view(),
        name="subscription-cancel",
    ),
    path("invoices", views.InvoiceListView.as_view(), name="invoices"),
    path("invoices/<uuid:invoice_id>", views.InvoiceDetailView.as_view(), name="invoice"),
    path("transactions", views.TransactionListView.as_view(), name="transactions"),
    path("transactions/<uuid:transaction_id>", views.TransactionDetailView.as_view(), name="transaction"),
    path("payment-links", views.PaymentLinkListView.as_view(), name="payment-links"),
    path("payment-links/<uuid:payment_link_id>", views.PaymentLinkDetailView.as_view(), name="payment-link"),
    path(
        "payment-links/<uuid:payment_link_id>/deactivate",
        views.PaymentLinkDeactivateView.as_view(),
        name="payment-link-deactivate",
    ),
    path("payment-methods", views.PaymentMethodListView.as_view(), name="payment-methods"),
]
