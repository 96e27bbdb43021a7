"""Baselines: what the cheapest Django response, and the cheapest DRF write and read of one row,
cost on the same server, so a feature's figures can be read as ratios."""

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from benchmarks.baseline.models import BenchRow


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


class RowSerializer(serializers.ModelSerializer):
    class Meta:
        model = BenchRow
        fields = ["id", "name", "payload", "created_at"]


class InsertView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def post(self, request):
        serializer = RowSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            row = serializer.save()
        return Response(RowSerializer(row).data, status=201)


class ReadView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get(self, request, pk):
        return Response(RowSerializer(get_object_or_404(BenchRow, pk=pk)).data)
