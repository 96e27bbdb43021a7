"""Input and output shapes of the comms API (wire names in camelCase, read from snake_case)."""

from __future__ import annotations

from rest_framework import serializers

from contexts.comms.models import (
    Category,
    MessageStatus,
    RunStatus,
    ScheduledStatus,
    Segment,
    SequenceStatus,
    SequenceTrigger,
)
from nlc.api.serializers import CamelCaseSerializer


# -- templates --------------------------------------------------------------------------------------
class TemplateSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    key = serializers.CharField()
    coachId = serializers.UUIDField(allow_null=True, help_text="The coach whose override it is; null: platform.")
    version = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Category.choices)
    subject = serializers.CharField()
    textBody = serializers.CharField()
    htmlBody = serializers.CharField()
    createdBy = serializers.UUIDField(allow_null=True)
    createdAt = serializers.DateTimeField()


class TemplateInputSerializer(CamelCaseSerializer):
    key = serializers.CharField(max_length=100)
    subject = serializers.CharField(max_length=998, trim_whitespace=False)
    textBody = serializers.CharField(max_length=100_000, trim_whitespace=False)
    htmlBody = serializers.CharField(max_length=500_000, required=False, allow_blank=True, default="")


class TemplatePreviewInputSerializer(TemplateInputSerializer):
    data = serializers.DictField(required=False, help_text="The values to render with; default: the key's sample.")


class TemplateFilterSerializer(CamelCaseSerializer):
    key = serializers.CharField(required=False, max_length=100)
    platform = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="Admins.")
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")


class DefaultTemplateSerializer(CamelCaseSerializer):
    key = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    subject = serializers.CharField()
    textBody = serializers.CharField()
    htmlBody = serializers.CharField()
    sample = serializers.DictField(help_text="The values this key's templates are given (an example).")


class RenderedEmailSerializer(CamelCaseSerializer):
    subject = serializers.CharField()
    textBody = serializers.CharField()
    htmlBody = serializers.CharField()


# -- messages ---------------------------------------------------------------------------------------
class MessageSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField(allow_null=True)
    clientId = serializers.UUIDField(allow_null=True)
    recipientEmail = serializers.EmailField()
    recipientName = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    templateKey = serializers.CharField()
    templateVersion = serializers.IntegerField(help_text="0: the built-in default.")
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=MessageStatus.choices)
    provider = serializers.CharField()
    providerMessageId = serializers.CharField(allow_null=True)
    attempts = serializers.IntegerField()
    lastError = serializers.CharField()
    triggerEventId = serializers.UUIDField(allow_null=True)
    triggerEventType = serializers.CharField()
    sequenceId = serializers.UUIDField(allow_null=True)
    createdAt = serializers.DateTimeField()
    sentAt = serializers.DateTimeField(allow_null=True)
    deliveredAt = serializers.DateTimeField(allow_null=True)
    openedAt = serializers.DateTimeField(allow_null=True)
    clickedAt = serializers.DateTimeField(allow_null=True)
    failedAt = serializers.DateTimeField(allow_null=True)


class MessageDetailSerializer(MessageSerializer):
    textBody = serializers.CharField()
    htmlBody = serializers.CharField()


class DateRangeFilterSerializer(CamelCaseSerializer):
    since = serializers.DateTimeField(required=False, help_text="From this moment on (inclusive).")
    until = serializers.DateTimeField(required=False, help_text="Before this moment (exclusive).")
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": ["until must be after since."]})
        return attrs


class MessageFilterSerializer(DateRangeFilterSerializer):
    status = serializers.ChoiceField(choices=MessageStatus.choices, required=False)
    templateKey = serializers.CharField(required=False, max_length=100)


class DeliverabilitySerializer(CamelCaseSerializer):
    coachId = serializers.UUIDField(allow_null=True)
    since = serializers.DateTimeField(allow_null=True)
    until = serializers.DateTimeField(allow_null=True)
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    opened = serializers.IntegerField()
    clicked = serializers.IntegerField()
    bounced = serializers.IntegerField()
    complained = serializers.IntegerField()
    failed = serializers.IntegerField()
    suppressed = serializers.IntegerField()
    deliveredRate = serializers.FloatField(help_text="Over the messages sent; so are the other rates.")
    openedRate = serializers.FloatField()
    clickedRate = serializers.FloatField()
    bouncedRate = serializers.FloatField()
    complainedRate = serializers.FloatField()


# -- sender identity, unsubscribe -------------------------------------------------------------------
class SenderIdentitySerializer(CamelCaseSerializer):
    fromName = serializers.CharField(max_length=100, trim_whitespace=False)
    replyTo = serializers.EmailField(max_length=254, allow_blank=True, required=False, default="")


class UnsubscribeSerializer(CamelCaseSerializer):
    status = serializers.CharField()


# -- sequences --------------------------------------------------------------------------------------
class SequenceStepSerializer(CamelCaseSerializer):
    position = serializers.IntegerField(read_only=True)
    templateKey = serializers.CharField(max_length=100)
    delaySeconds = serializers.IntegerField(min_value=0, max_value=365 * 86400)


class SequenceSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField()
    name = serializers.CharField()
    trigger = serializers.ChoiceField(choices=SequenceTrigger.choices)
    triggerValue = serializers.CharField()
    exitOnPurchase = serializers.BooleanField()
    status = serializers.ChoiceField(choices=SequenceStatus.choices)
    steps = SequenceStepSerializer(many=True, source="steps.all")
    createdAt = serializers.DateTimeField()
    cancelledAt = serializers.DateTimeField(allow_null=True)


class SequenceInputSerializer(CamelCaseSerializer):
    name = serializers.CharField(max_length=200)
    trigger = serializers.ChoiceField(choices=SequenceTrigger.choices)
    triggerValue = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    exitOnPurchase = serializers.BooleanField(required=False, default=True)
    steps = SequenceStepSerializer(many=True)


class SequenceFilterSerializer(CamelCaseSerializer):
    status = serializers.ChoiceField(choices=SequenceStatus.choices, required=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")


class SequenceRunSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    sequenceId = serializers.UUIDField()
    clientId = serializers.UUIDField(allow_null=True)
    recipientEmail = serializers.EmailField()
    recipientName = serializers.CharField()
    trigger = serializers.CharField()
    status = serializers.ChoiceField(choices=RunStatus.choices)
    exitReason = serializers.CharField()
    nextPosition = serializers.IntegerField()
    nextSendAt = serializers.DateTimeField(allow_null=True)
    createdAt = serializers.DateTimeField()
    endedAt = serializers.DateTimeField(allow_null=True)


class SequenceRunFilterSerializer(CamelCaseSerializer):
    status = serializers.ChoiceField(choices=RunStatus.choices, required=False)


class SequenceRunStartSerializer(CamelCaseSerializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# -- scheduled e-mails --------------------------------------------------------------------------------
class ScheduledEmailSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    coachId = serializers.UUIDField()
    templateKey = serializers.CharField()
    sendAt = serializers.DateTimeField()
    toEmail = serializers.CharField()
    toName = serializers.CharField()
    segment = serializers.CharField()
    courseId = serializers.UUIDField(allow_null=True)
    data = serializers.DictField()
    status = serializers.ChoiceField(choices=ScheduledStatus.choices)
    processedAt = serializers.DateTimeField(allow_null=True)
    messageCount = serializers.IntegerField()
    createdAt = serializers.DateTimeField()


class ScheduledEmailInputSerializer(CamelCaseSerializer):
    templateKey = serializers.CharField(max_length=100)
    sendAt = serializers.DateTimeField()
    toEmail = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    toName = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    segment = serializers.ChoiceField(choices=Segment.choices, required=False, allow_blank=True, default="")
    courseId = serializers.UUIDField(required=False, allow_null=True, default=None)
    data = serializers.DictField(required=False, default=dict)


class ScheduledEmailFilterSerializer(CamelCaseSerializer):
    status = serializers.ChoiceField(choices=ScheduledStatus.choices, required=False)
    coachId = serializers.UUIDField(required=False, help_text="Admins: one coach's only.")
