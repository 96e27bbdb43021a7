"""Input and output shapes of the {{name}} API. Fields are declared by their camelCase wire name and
read or write the snake_case attribute (CamelCaseSerializer); no logic here."""

from rest_framework import serializers

from nlc.api.serializers import CamelCaseSerializer


class {{Entity}}Serializer(CamelCaseSerializer):
    id = serializers.UUIDField(read_only=True)
    coachId = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    createdAt = serializers.DateTimeField(read_only=True)
    updatedAt = serializers.DateTimeField(read_only=True)


class {{Entity}}FilterSerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")


class {{Entity}}CreateInputSerializer(CamelCaseSerializer):
    name = serializers.CharField(max_length=200)
