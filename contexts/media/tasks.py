"""Celery tasks of the media context, on its task queue (config.settings routes ``media.*``)."""

from __future__ import annotations

from celery import shared_task

from contexts.media import services


@shared_task(name="media.transcode_poll_due", ignore_result=True)  # the name beat's schedule uses
def transcode_poll_due() -> int:
    return services.transcode_poll_due()


@shared_task(name="media.deletion_retry_due", ignore_result=True)
def deletion_retry_due() -> int:
    return services.deletion_retry_due()
