from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "contexts.leads"
    label = "leads"
    verbose_name = "Leads"
