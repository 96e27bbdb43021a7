from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The one error shape (see nlc.api.errors), for the OpenAPI documents."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fieldErrors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    details = serializers.DictField(required=False)


def error_responses(*statuses: int) -> dict:
    """``@extend_schema(responses={..., **error_responses(400, 401)})``."""
    return dict.fromkeys(statuses, ErrorSerializer)
