from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "contexts.media"
    label = "media"
    verbose_name = "Media"
