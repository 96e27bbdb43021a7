from django.urls import path

from contexts.media import views

app_name = "media"

urlpatterns = [
    path("uploads", views.UploadListView.as_view(), name="uploads"),
    path("uploads/<uuid:upload_id>/content", views.UploadContentView.as_view(), name="upload-content"),
    path("uploads/<uuid:upload_id>/complete", views.UploadCompleteView.as_view(), name="upload-complete"),
    path("assets", views.AssetListView.as_view(), name="assets"),
    path("assets/<uuid:asset_id>", views.AssetDetailView.as_view(), name="asset"),
    path("assets/<uuid:asset_id>/usage", views.AssetUsageView.as_view(), name="asset-usage"),
    path("storage", views.StorageListView.as_view(), name="storage"),
    path("downloads/<str:token>", views.DownloadView.as_view(), name="download"),
]
