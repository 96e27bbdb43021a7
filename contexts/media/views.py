"""The media API: coaches upload and manage their own assets, admins see all."""

from __future__ import annotations

import io
import mimetypes
from uuid import UUID

from django.http import FileResponse
from django.utils.text import slugify
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from contexts.media import selectors, services
from contexts.media.serializers import (
    AssetFilterSerializer,
    AssetSerializer,
    StorageFilterSerializer,
    StorageSerializer,
    UploadCreateSerializer,
    UploadSerializer,
    UsageSerializer,
)
from nlc.api.serializers import error_responses, validated
from nlc.api.views import CoachOrAdminView, CoachView, PublicView, get_or_404


class RawBytesParser(BaseParser):
    """Leaves the body unread: the upload service streams it."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream


class UploadListView(CoachView):
    @extend_schema(
        request=UploadCreateSerializer,
        responses={201: UploadSerializer, **error_responses(400, 401, 403, 409, 413, 502, 503)},
        summary="Ask for an upload: the asset is created and the link to send its bytes to answered",
    )
    def post(self, request):
        data = validated(UploadCreateSerializer, request.data)
        upload = services.upload_create(coach_id=request.user.coach_id, **data)
        return Response(UploadSerializer(upload).data, status=201)


class UploadContentView(CoachView):
    parser_classes = [RawBytesParser]

    @extend_schema(
        request={"application/octet-stream": {"type": "string", "format": "binary"}},
        responses={200: AssetSerializer, **error_responses(400, 401, 403, 404, 409)},
        summary="Send the bytes of a direct upload (documents, local videos); the link works once",
    )
    def put(self, request, upload_id: UUID):
        upload = get_or_404(selectors.upload_get(principal=request.user, upload_id=upload_id), "upload")
        asset = services.upload_content_receive(
            # DRF's stream of the body (None when there is none): read in chunks, never whole in memory.
            upload=upload,
            content=request.stream or io.BytesIO(),
            content_type=request.content_type or "",
        )
        return Response(AssetSerializer(asset).data)


class UploadCompleteView(CoachView):
    @extend_schema(
        request=None,
        responses={200: AssetSerializer, **error_responses(401, 403, 404)},
        summary="Say the bytes are sent (tus): media asks the provider at once instead of at the next poll",
    )
    def post(self, request, upload_id: UUID):
        upload = get_or_404(selectors.upload_get(principal=request.user, upload_id=upload_id), "upload")
        asset = get_or_404(services.asset_poll_now(asset_id=upload.asset_id), "upload")
        return Response(AssetSerializer(asset).data)


class AssetListView(CoachOrAdminView):
    @extend_schema(
        parameters=[AssetFilterSerializer],
        responses={200: AssetSerializer(many=True), **error_responses(400, 401, 403)},
        summary="Assets, newest first",
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.asset_list, serializer=AssetSerializer, filters=AssetFilterSerializer
        )


class AssetDetailView(CoachOrAdminView):
    @extend_schema(responses={200: AssetSerializer, **error_responses(401, 403, 404)}, summary="An asset")
    def get(self, request, asset_id: UUID):
        asset = get_or_404(selectors.asset_get(principal=request.user, asset_id=asset_id), "asset")
        return Response(AssetSerializer(asset).data)

    @extend_schema(
        responses={202: AssetSerializer, **error_responses(401, 403, 404)},
        summary="Delete it: at its provider (retried until it confirms), then media.asset.deleted",
    )
    def delete(self, request, asset_id: UUID):
        asset = get_or_404(selectors.asset_get(principal=request.user, asset_id=asset_id), "asset")
        asset = services.asset_delete(asset=asset)
        return Response(AssetSerializer(asset).data, status=202)


class AssetUsageView(CoachOrAdminView):
    @extend_schema(
        responses={200: UsageSerializer, **error_responses(401, 403, 404)}, summary="What learners did with an asset"
    )
    def get(self, request, asset_id: UUID):
        asset = get_or_404(selectors.asset_get(principal=request.user, asset_id=asset_id), "asset")
        return Response(UsageSerializer(selectors.asset_usage_get(asset=asset)).data)


class StorageListView(CoachOrAdminView):
    @extend_schema(
        parameters=[StorageFilterSerializer],
        responses={200: StorageSerializer(many=True), **error_responses(400, 401, 403)},
        summary="Storage used per coach, biggest first",
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.coach_storage_list,
            serializer=StorageSerializer,
            filters=StorageFilterSerializer,
        )


class DownloadView(PublicView):
    """A signed link from a learner's lesson answer (courses signs it, docs/decisions/0006)."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): {"type": "string", "format": "binary"},
            **error_responses(403, 404),
        },
        summary="Open a signed download link: a file once, within minutes of its signing",
    )
    def get(self, request, token: str):
        download = services.download_open(token=token)
        asset = download.asset
        extension = mimetypes.guess_extension(asset.content_type) or ""
        response = FileResponse(
            download.content,
            as_attachment=download.as_attachment,
            filename=f"{slugify(asset.title) or 'download'}{extension}",
            content_type=asset.content_type,
        )
        # The link is personal and short-lived: no shared cache may keep the bytes.
        response["Cache-Control"] = "private, no-store"
        return response
