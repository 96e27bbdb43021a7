from django.apps import AppConfig


class AuthConfig(AppConfig):
    name = "contexts.auth"
    label = "accounts"
    verbose_name = "Auth"
