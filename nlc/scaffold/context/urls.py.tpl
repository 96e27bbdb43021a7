from django.urls import path

from contexts.{{name}} import views

app_name = "{{name}}"

urlpatterns = [
    path("{{route}}", views.{{Entity}}ListView.as_view(), name="{{entity_kebab}}-list"),
    path("{{route}}/<uuid:{{entity}}_id>", views.{{Entity}}DetailView.as_view(), name="{{entity_kebab}}-detail"),
]
