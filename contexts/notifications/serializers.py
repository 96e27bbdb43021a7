"""Input and output shapes of the notifications API. Fields are declared by their camelCase wire name and
read or write the snake_case attribute (CamelCaseSerializer); no logic here."""

from rest_framework import serializers

from contexts.notifications.rules import KIND_MAX_LENGTH
from nlc.api.serializers import CamelCaseSerializer


class NotificationSerializer(CamelCaseSerializer):
    id = serializers.UUIDField(read_only=True)
    seq = serializers.IntegerField(read_only=True, help_text="The recipient's running number: the stream's event id.")
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    link = serializers.CharField(read_only=True, allow_blank=True)
    coachId = serializers.UUIDField(read_only=True, allow_null=True)
    readAt = serializers.DateTimeField(read_only=True, allow_null=True)
    createdAt = serializers.DateTimeField(read_only=True)


class NotificationFilterSerializer(CamelCaseSerializer):
    unread = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: only unread; false: only read."
    )
    kind = serializers.RegexField(r"^[a-z][a-z0-9_]*$", max_length=KIND_MAX_LENGTH, required=False)


class UnreadCountSerializer(CamelCaseSerializer):
    unread = serializers.IntegerField(read_only=True)


class MarkAllReadSerializer(CamelCaseSerializer):
    marked = serializers.IntegerField(read_only=True, help_text="How many were unread and are read now.")
    unread = serializers.IntegerField(read_only=True)


class PreferenceSerializer(CamelCaseSerializer):
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True, allow_blank=True)
    inApp = serializers.BooleanField(read_only=True)


class PreferenceChoiceSerializer(CamelCaseSerializer):
    kind = serializers.RegexField(r"^[a-z][a-z0-9_]*$", max_length=KIND_MAX_LENGTH)
    inApp = serializers.BooleanField()


class PreferenceUpdateInputSerializer(CamelCaseSerializer):
    preferences = PreferenceChoiceSerializer(many=True, allow_empty=False)


class StreamTicketSerializer(CamelCaseSerializer):
    ticket = serializers.CharField(read_only=True)
    expiresIn = serializers.IntegerField(read_only=True, help_text="Seconds the ticket may open a stream.")
    streamUrl = serializers.CharField(read_only=True, help_text="Open with new EventSource(streamUrl).")
