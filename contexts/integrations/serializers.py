"""Input and output shapes of the integrations API (camelCase on the wire)."""

from __future__ import annotations

from rest_framework import serializers

from contexts.integrations.models import Provider, WebhookEvent, WebhookStatus
from contexts.integrations.selectors import webhook_event_data
from nlc.api.serializers import CamelCaseSerializer


class WebhookAckSerializer(CamelCaseSerializer):
    """The answer to a provider: 202 when stored, 200 when it was a duplicate."""

    webhookEventId = serializers.UUIDField()
    status = serializers.ChoiceField(choices=WebhookStatus.choices)
    duplicate = serializers.BooleanField()


class WebhookEventFilterSerializer(CamelCaseSerializer):
    provider = serializers.ChoiceField(choices=Provider.choices, required=False)
    status = serializers.ChoiceField(choices=WebhookStatus.choices, required=False)
    eventType = serializers.CharField(max_length=200, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class WebhookEventSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    provider = serializers.ChoiceField(choices=Provider.choices)
    providerEventId = serializers.CharField()
    eventType = serializers.CharField()
    coachId = serializers.UUIDField(allow_null=True)
    status = serializers.ChoiceField(choices=WebhookStatus.choices)
    attempts = serializers.IntegerField()
    lastError = serializers.CharField()
    nextAttemptAt = serializers.DateTimeField(allow_null=True)
    receivedAt = serializers.DateTimeField()
    processedAt = serializers.DateTimeField(allow_null=True)
    replayCount = serializers.IntegerField()
    lastReplayedAt = serializers.DateTimeField(allow_null=True)


class WebhookEventDetailSerializer(WebhookEventSerializer):
    """One webhook with what was received: the headers kept, the raw body and its parsed JSON."""

    headers = serializers.DictField(child=serializers.CharField())
    body = serializers.CharField(help_text="The body exactly as the provider sent it.")
    data = serializers.SerializerMethodField()

    def get_data(self, event: WebhookEvent) -> dict:
        return webhook_event_data(event=event)
