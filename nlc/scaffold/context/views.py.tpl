"""The {{name}} API: thin views on the kernel's bases (nlc.api.views). Each validates its input,
calls one service or selector and shapes the answer; lists through ``list_response``, one row
through its selector and ``get_or_404``."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from contexts.{{name}} import selectors, services
from contexts.{{name}}.serializers import (
    {{Entity}}CreateInputSerializer,
    {{Entity}}FilterSerializer,
    {{Entity}}Serializer,
)
from nlc.api.permissions import IsCoach, IsCoachOrAdmin
from nlc.api.serializers import error_responses, validated
from nlc.api.views import CoachOrAdminView, get_or_404

TAG = "{{name}}"


class {{Entity}}ListView(CoachOrAdminView):
    """A coach's own {{entity_words}}s (an admin: everyone's); coaches create theirs."""

    def get_permissions(self):
        # Everyone's rows for an admin to read; a coach creates its own.
        return [IsCoach()] if self.request.method == "POST" else [IsCoachOrAdmin()]

    @extend_schema(
        tags=[TAG],
        operation_id="{{entity}}_list",
        summary="{{Entity}} list",
        parameters=[{{Entity}}FilterSerializer],
        responses={200: {{Entity}}Serializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.{{entity}}_list,
            serializer={{Entity}}Serializer,
            filters={{Entity}}FilterSerializer,
        )

    @extend_schema(
        tags=[TAG],
        operation_id="{{entity}}_create",
        summary="Create a {{entity_words}} (coaches)",
        request={{Entity}}CreateInputSerializer,
        responses={201: {{Entity}}Serializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated({{Entity}}CreateInputSerializer, request.data)
        row = services.{{entity}}_create(coach_id=request.user.coach_id, name=data["name"])
        return Response({{Entity}}Serializer(row).data, status=status.HTTP_201_CREATED)


class {{Entity}}DetailView(CoachOrAdminView):
    """One {{entity_words}}: another coach's answers 404, as one that does not exist."""

    @extend_schema(
        tags=[TAG],
        operation_id="{{entity}}_retrieve",
        summary="One {{entity_words}}",
        responses={200: {{Entity}}Serializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, {{entity}}_id):
        row = selectors.{{entity}}_get(principal=request.user, {{entity}}_id={{entity}}_id)
        return Response({{Entity}}Serializer(get_or_404(row, "{{entity}}")).data)
