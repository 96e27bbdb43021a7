"""The Celery application: ordinary tasks, beat, and the event consumers (a consumer bootstep)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("nextlevelcoach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _add_event_consumers() -> None:
    from nlc.events.worker import EventConsumersStep

    app.steps["worker"].add(EventConsumersStep)


_add_event_consumers()
