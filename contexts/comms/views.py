"""The comms API: thin views on the kernel's bases (nlc.api.views)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from contexts.comms import services
from contexts.comms.serializers import UnsubscribeSerializer
from nlc.api.serializers import error_responses
from nlc.api.views import PublicView

TAG = "comms"


class UnsubscribeView(PublicView):
    """RFC 8058 one-click unsubscribe: a mail client POSTs ``List-Unsubscribe=One-Click`` to the
    signed link of a marketing e-mail's ``List-Unsubscribe`` header, with no login. A link works once."""

    @extend_schema(
        tags=[TAG],
        operation_id="unsubscribe_apply",
        summary="One-click unsubscribe (RFC 8058), from a signed link",
        request=None,
        responses={200: UnsubscribeSerializer, **error_responses(400, 409)},
    )
    def post(self, request, token: str):
        services.unsubscribe_apply(token=token)
        return Response(UnsubscribeSerializer({"status": "unsubscribed"}).data)
