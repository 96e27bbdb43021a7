from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "contexts.billing"
    label = "billing"
    verbose_name = "Billing"
