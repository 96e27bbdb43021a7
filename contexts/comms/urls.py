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
    path("sequences", views.SequenceListView.as_view(), name="sequence-list"),
    path("sequences/<uuid:sequence_id>", views.SequenceDetailView.as_view(), name="sequence-detail"),
    path("sequences/<uuid:sequence_id>/cancel", views.SequenceCancelView.as_view(), name="sequence-cancel"),
    path("sequences/<uuid:sequence_id>/runs", views.SequenceRunListView.as_view(), name="sequence-run-list"),
    path("scheduled-emails", views.ScheduledEmailListView.as_view(), name="scheduled-email-list"),
    path(
        "scheduled-emails/<uuid:scheduled_email_id>",
        views.ScheduledEmailDetailView.as_view(),
        name="scheduled-email-detail",
    ),
    path(
        "scheduled-emails/<uuid:scheduled_email_id>/cancel",
        views.ScheduledEmailCancelView.as_view(),
        name="scheduled-email-cancel",
    ),
    path("unsubscribe/<str:token>", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
