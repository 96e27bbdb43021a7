"""Serializer helpers: the error shape for the OpenAPI documents, input validation, camelCase."""

from rest_framework import serializers

from nlc.api.casing import to_snake


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


class CamelCaseSerializer(serializers.Serializer):
    """Fields are declared by their wire name (``coachId``) and read or write the Python attribute
    of the same name in snake_case (``coach_id``) unless they say otherwise with ``source=``.

    So no field repeats its own name as a ``source=``, an output serializer reads a model as it is,
    and an input serializer's ``validated_data`` has the domain's names, ready for a service::

        class PaymentLinkCreateInputSerializer(CamelCaseSerializer):
            courseId = serializers.UUIDField()   # validated_data["course_id"]
    """

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if field.source is None:
                snake = to_snake(name)
                if snake != name:
                    field.source = snake
        return fields
