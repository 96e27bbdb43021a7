from django.urls import path

from contexts.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read", views.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/<uuid:notification_id>", views.NotificationDetailView.as_view(), name="notification-detail"),
    path("notifications/<uuid:notification_id>/read", views.NotificationReadView.as_view(), name="notification-read"),
    path("unread-count", views.UnreadCountView.as_view(), name="unread-count"),
    path("preferences", views.PreferenceView.as_view(), name="preferences"),
    path("stream/ticket", views.StreamTicketView.as_view(), name="stream-ticket"),
    path("stream", views.StreamView.as_view(), name="stream"),
]
