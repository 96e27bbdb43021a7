"""The notifications API: thin views on the kernel's bases (nlc.api.views). Every caller, coach or
admin, reads and changes only the notifications addressed to itself."""

from __future__ import annotations

from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from contexts.notifications import selectors, services
from contexts.notifications.errors import LastEventIdInvalidError
from contexts.notifications.serializers import (
    MarkAllReadSerializer,
    NotificationFilterSerializer,
    NotificationSerializer,
    PreferenceSerializer,
    PreferenceUpdateInputSerializer,
    StreamTicketSerializer,
    UnreadCountSerializer,
)
from contexts.notifications.stream import StreamCursor, stream_async, stream_sync
from nlc.api.serializers import error_responses, validated
from nlc.api.views import CoachOrAdminView, PublicView, get_or_404

TAG = "notifications"


class NotificationListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="notification_list",
        summary="The caller's notifications, newest first",
        parameters=[NotificationFilterSerializer],
        responses={200: NotificationSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.notification_list,
            serializer=NotificationSerializer,
            filters=NotificationFilterSerializer,
        )


class NotificationDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="notification_retrieve",
        summary="One of the caller's notifications",
        responses={200: NotificationSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, notification_id):
        row = selectors.notification_get(principal=request.user, notification_id=notification_id)
        return Response(NotificationSerializer(get_or_404(row, "notification")).data)


class NotificationReadView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="notification_mark_read",
        summary="Mark one notification read (again: no change)",
        request=None,
        responses={200: NotificationSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, notification_id):
        row = services.notification_mark_read(user_id=request.user.id, notification_id=notification_id)
        return Response(NotificationSerializer(get_or_404(row, "notification")).data)


class NotificationReadAllView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="notification_mark_all_read",
        summary="Mark every notification of the caller read",
        request=None,
        responses={200: MarkAllReadSerializer, **error_responses(401, 403)},
    )
    def post(self, request):
        marked = services.notification_mark_all_read(user_id=request.user.id)
        return Response(MarkAllReadSerializer({"marked": marked, "unread": 0}).data)


class UnreadCountView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="notification_unread_count",
        summary="How many of the caller's notifications are unread (one counter read)",
        responses={200: UnreadCountSerializer, **error_responses(401, 403)},
    )
    def get(self, request):
        return Response(UnreadCountSerializer({"unread": selectors.unread_count(principal=request.user)}).data)


class PreferenceView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="notification_preference_list",
        summary="In-app on/off for every kind the caller receives",
        responses={200: PreferenceSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        return Response(PreferenceSerializer(selectors.preference_list(principal=request.user), many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="notification_preference_update",
        summary="Turn kinds on or off (a kind turned off is not created for the caller)",
        request=PreferenceUpdateInputSerializer,
        responses={200: PreferenceSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def patch(self, request):
        data = validated(PreferenceUpdateInputSerializer, request.data)
        services.preference_save(
            user_id=request.user.id, choices={choice["kind"]: choice["in_app"] for choice in data["preferences"]}
        )
        return Response(PreferenceSerializer(selectors.preference_list(principal=request.user), many=True).data)


class StreamTicketView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="notification_stream_ticket",
        summary="A short-lived ticket that opens the caller's live stream",
        request=None,
        responses={201: StreamTicketSerializer, **error_responses(401, 403)},
    )
    def post(self, request):
        issued = services.stream_ticket_issue(user_id=request.user.id)
        url = reverse("notifications:stream")
        return Response(
            StreamTicketSerializer(
                {
                    "ticket": issued.ticket,
                    "expires_in": issued.expires_in_seconds,
                    "stream_url": f"{url}?ticket={issued.ticket}",
                }
            ).data,
            status=201,
        )


class EventStreamRenderer(BaseRenderer):
    """Lets ``Accept: text/event-stream`` (what EventSource sends) through content negotiation; an
    error before the stream starts is still the one JSON error shape."""

    media_type = "text/event-stream"
    format = "sse"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, renderer_context=renderer_context)


class StreamView(PublicView):
    """Authenticated by the ticket in the URL, not a header (EventSource cannot send one)."""

    renderer_classes = [JSONRenderer, EventStreamRenderer]

    @extend_schema(
        tags=[TAG],
        operation_id="notification_stream",
        summary="Server-Sent Events: `unread` ({unread}) and `notification` (id = seq) events",
        parameters=[
            OpenApiParameter("ticket", OpenApiTypes.STR, required=True, description="From POST stream/ticket."),
            OpenApiParameter(
                "lastEventId",
                OpenApiTypes.INT,
                required=False,
                description="Resume after this seq (the Last-Event-ID header does the same on a reconnect).",
            ),
        ],
        responses={
            (200, "text/event-stream"): OpenApiResponse(OpenApiTypes.STR, description="The event stream."),
            **error_responses(400, 401),
        },
    )
    def get(self, request):
        user_id = services.stream_ticket_redeem(ticket=request.query_params.get("ticket"))
        cursor = StreamCursor(user_id=user_id, last_event_id=_last_event_id(request))
        chunks = stream_async(cursor) if isinstance(request._request, ASGIRequest) else stream_sync(cursor)
        response = StreamingHttpResponse(chunks, content_type="text/event-stream; charset=utf-8")
        response["Cache-Control"] = "no-cache, no-store"
        response["X-Accel-Buffering"] = "no"  # nginx and friends: pass each event on at once
        return response


def _last_event_id(request) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.query_params.get("lastEventId")
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        raise LastEventIdInvalidError(field_errors={"last_event_id": [f"{raw!r} is not a whole number"]})
    return int(raw)
