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


def validated(serializer_class, data) -> dict:
    """Validate ``data`` with an input serializer; a 400 in the project's error shape otherwise."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
