from django.urls import path

from contexts.comms import views

app_name = "comms"

urlpatterns = [
    path("templates", views.TemplateListView.as_view(), name="template-list"),
    path("templates/defaults", views.DefaultTemplateListView.as_view(), name="template-default-list"),
    path("templates/preview", views.TemplatePreviewView.as_view(), name="template-preview"),
    path("templates/<uuid:template_id>", views.TemplateDetailView.as_view(), name="template-detail"),
    path(
        "templates/<uuid:template_id>/preview",
        views.TemplateVersionPreviewView.as_view(),
        name="template-version-preview",
    ),
    path("messages", views.MessageListView.as_view(), name="message-list"),
    path("messages/<uuid:message_id>", views.MessageDetailView.as_view(), name="message-detail"),
    path("deliverability", views.DeliverabilityView.as_view(), name="deliverability"),
    path("sender-identity", views.SenderIdentityView.as_view(), name="sender-identity"),
    path("unsubscribe/<str:token>", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
