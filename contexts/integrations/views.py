"""The integrations API under /integrations/: the providers' webhook endpoints (public, verified by
signature) and the admins' view of what was received."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from contexts.integrations import selectors, services
from contexts.integrations.models import Provider
from contexts.integrations.serializers import (
    WebhookAckSerializer,
    WebhookEventDetailSerializer,
    WebhookEventFilterSerializer,
    WebhookEventSerializer,
)
from nlc.api.serializers import error_responses
from nlc.api.throttles import WebhookThrottle
from nlc.api.views import AdminView, PublicView, get_or_404

TAG = "integrations"


class WebhookIntakeView(PublicView):
    """Public: the caller is proven by the provider's signature, not by a token."""

    throttle_classes = [WebhookThrottle]
    parser_classes: list = []  # the raw bytes are what is signed: never parsed by DRF

    @extend_schema(
        tags=[TAG],
        operation_id="webhook_receive",
        summary="Receive a provider's webhook",
        description=(
            "Stripe (`Stripe-Signature`), Mailgun (the body's `signature` object) and Calendly "
            "(`Calendly-Webhook-Signature`) are verified with each provider's signing scheme and "
            "timestamp window. A verified webhook is stored and acknowledged with 202; the same "
            "provider event id again is acknowledged with 200 and `duplicate: true`. A refusal is "
            "a 4xx whose `code` says why (`signature_invalid`, `timestamp_stale`, `token_reused`, ...); "
            "503 when the provider is turned off or has no signing secret."
        ),
        parameters=[OpenApiParameter("provider", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Provider.values)],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: WebhookAckSerializer, 202: WebhookAckSerializer, **error_responses(400, 404, 413, 429, 503)},
    )
    def post(self, request, provider: str):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        services.webhook_size_check(provider=provider, declared_bytes=declared)  # before the body is read
        result = services.webhook_receive(provider=provider, body=request.body, headers=request.headers)
        # The hot path: the acknowledgement is built by hand (WebhookAckSerializer documents it).
        acknowledgement = {
            "webhookEventId": str(result.webhook_event_id),
            "status": result.status,
            "duplicate": result.duplicate,
        }
        return Response(acknowledgement, status=status.HTTP_200_OK if result.duplicate else status.HTTP_202_ACCEPTED)


class WebhookEventListView(AdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="webhook_events_list",
        summary="Received webhooks (admins)",
        parameters=[WebhookEventFilterSerializer],
        responses={200: WebhookEventSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.webhook_event_list,
            serializer=WebhookEventSerializer,
            filters=WebhookEventFilterSerializer,
        )


class WebhookEventDetailView(AdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="webhook_event_retrieve",
        summary="One received webhook, with its body (admins)",
        responses={200: WebhookEventDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, webhook_event_id):
        event = get_or_404(selectors.webhook_event_get(webhook_event_id=webhook_event_id), "webhook_event")
        return Response(WebhookEventDetailSerializer(event).data)


class WebhookEventReplayView(AdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="webhook_event_replay",
        summary="Hand a received webhook on again (admins)",
        description=(
            "Publishes integrations.webhook.received again (a new envelope, source "
            "`nlc/integrations/replay`, the same webhookEventId) and hands the raw body off again; "
            "the hand-off starts over from attempt 1."
        ),
        request=None,
        responses={202: WebhookEventDetailSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, webhook_event_id):
        found = get_or_404(selectors.webhook_event_get(webhook_event_id=webhook_event_id), "webhook_event")
        event = services.webhook_replay(webhook_event_id=found.id)
        return Response(WebhookEventDetailSerializer(event).data, status=status.HTTP_202_ACCEPTED)
