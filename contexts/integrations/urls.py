from django.urls import path

from contexts.integrations import views

app_name = "integrations"

urlpatterns = [
    path("webhooks", views.WebhookEventListView.as_view(), name="webhook-events"),
    path("webhooks/<uuid:webhook_event_id>", views.WebhookEventDetailView.as_view(), name="webhook-event"),
    path(
        "webhooks/<uuid:webhook_event_id>/replay", views.WebhookEventReplayView.as_view(), name="webhook-event-replay"
    ),
    path("webhooks/<str:provider>", views.WebhookIntakeView.as_view(), name="webhook-intake"),
]
