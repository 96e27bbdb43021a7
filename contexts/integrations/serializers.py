"""Input and output shapes of the integrations API (camelCase on the wire)."""

from __future__ import annotations

import json

from rest_framework import serializers

from contexts.integrations.models import Provider, WebhookStatus


class WebhookAckSerializer(serializers.Serializer):
    """The answer to a provider: 202 when stored, 200 when it was a duplicate."""

    webhookEventId = serializers.UUIDField(source="webhook_event_id")
    status = serializers.ChoiceField(choices=WebhookStatus.choices)
    duplicate = serializers.BooleanField()


class WebhookEventFilterSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=Provider.choices, required=False)
    status = serializers.ChoiceField(choices=WebhookStatus.choices, required=False)
    eventType = serializers.CharField(max_length=200, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class WebhookEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    provider = serializers.ChoiceField(choices=Provider.choices)
    providerEventId = serializers.CharField(source="provider_event_id")
    eventType = serializers.CharField(source="event_type")
    coachId = serializers.UUIDField(source="coach_id", allow_null=True)
    status = serializers.ChoiceField(choices=WebhookStatus.choices)
    attempts = serializers.IntegerField()
    lastError = serializers.CharField(source="last_error")
    nextAttemptAt = serializers.DateTimeField(source="next_attempt_at", allow_null=True)
    receivedAt = serializers.DateTimeField(source="received_at")
    processedAt = serializers.DateTimeField(source="processed_at", allow_null=True)
    replayCount = serializers.IntegerField(source="replay_count")
    lastReplayedAt = serializers.DateTimeField(source="last_replayed_at", allow_null=True)


class WebhookEventDetailSerializer(WebhookEventSerializer):
    """One webhook with what was received: the headers kept, the raw body and its parsed JSON."""

    headers = serializers.DictField(child=serializers.CharField())
    body = serializers.CharField(help_text="The body exactly as the provider sent it.")
    data = serializers.SerializerMethodField()

    def get_data(self, event) -> dict:
        return json.loads(event.body)
