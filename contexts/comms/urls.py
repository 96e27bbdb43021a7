from django.urls import path

from contexts.comms import views

app_name = "comms"

urlpatterns = [
    path("unsubscribe/<str:token>", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
