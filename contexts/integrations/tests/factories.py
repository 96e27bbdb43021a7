"""Stored webhooks and configs as intake and the admin leave them (no events: they stand for existing data)."""

import json

import factory
from factory.django import DjangoModelFactory

from contexts.integrations.crypto import secret_encrypt
from contexts.integrations.models import IntegrationConfig, Provider, WebhookEvent, WebhookStatus
from contexts.integrations.tests.signing import fixture_bytes


class WebhookEventFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEvent

    provider = Provider.STRIPE
    provider_event_id = factory.Sequence(lambda n: f"evt_factory{n:06d}")
    event_type = "checkout.session.completed"
    body = factory.LazyAttribute(
        lambda event: fixture_bytes("stripe/checkout.session.completed.json")
        .decode()
        .replace("evt_1NLCtestCheckoutCompleted01", event.provider_event_id, 1)
    )
    headers = factory.LazyFunction(lambda: {"Content-Type": "application/json"})
    status = WebhookStatus.RECEIVED


class MailgunWebhookEventFactory(WebhookEventFactory):
    provider = Provider.MAILGUN
    event_type = "delivered"
    body = factory.LazyAttribute(
        lambda event: json.dumps(
            {**json.loads(fixture_bytes("mailgun/delivered.json")), "event-data": {"id": event.provider_event_id}}
        )
    )


class IntegrationConfigFactory(DjangoModelFactory):
    class Meta:
        model = IntegrationConfig
        django_get_or_create = ("provider",)

    class Params:
        secret = ""

    provider = Provider.STRIPE
    enabled = True
    signing_secret_encrypted = factory.LazyAttribute(lambda config: secret_encrypt(config.secret))
