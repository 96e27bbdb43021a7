"""Input and output shapes of the comms API."""

from __future__ import annotations

from rest_framework import serializers

from nlc.api.serializers import CamelCaseSerializer


class UnsubscribeSerializer(CamelCaseSerializer):
    status = serializers.CharField()
