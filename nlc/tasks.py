"""One Celery task queue per context, as each context has one event queue.

A context's tasks are named ``<context>.<what>`` (``comms.message_send``) and routed by that name to
``nlc.<context>.tasks``; routing applies to whatever sends a task (a service, beat, ``send_task``),
so a worker serving some contexts (``NLC_CONTEXTS``) declares and consumes only their queues and
never receives another context's task. A task named otherwise goes to the default ``nlc.tasks``.
Every name carries ``NLC_BUS_NAMESPACE``, so test runs keep to queues of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from kombu import Queue

QUEUE_ARGUMENTS = {"x-queue-type": "quorum"}


def default_task_queue(namespace: str = "") -> str:
    return f"{namespace}nlc.tasks"


def context_task_queue(context: str, namespace: str = "") -> str:
    return f"{namespace}nlc.{context}.tasks"


def task_queues(contexts: Iterable[str], namespace: str = "") -> tuple[Queue, ...]:
    """The default queue and one per context (quorum queues, like the event queues)."""
    names = [default_task_queue(namespace), *(context_task_queue(context, namespace) for context in contexts)]
    return tuple(Queue(name, queue_arguments=QUEUE_ARGUMENTS) for name in names)


def task_routes(contexts: Iterable[str], namespace: str = "") -> dict[str, dict[str, str]]:
    """``{"comms.*": {"queue": "nlc.comms.tasks"}, ...}``."""
    return {f"{context}.*": {"queue": context_task_queue(context, namespace)} for context in contexts}


def task_queues_configure(app, *, contexts: Iterable[str], namespace: str) -> None:
    """Point the running Celery app at the queues of ``namespace`` (a test process's own).

    The app reads its configuration from Django's settings (``CELERY_*``, looked up before its own
    keys), so the settings are changed, and the queues, routes and router it cached are forgotten.
    """
    from django.conf import settings

    contexts = list(contexts)
    settings.CELERY_TASK_DEFAULT_QUEUE = default_task_queue(namespace)
    settings.CELERY_TASK_QUEUES = task_queues(contexts, namespace)
    settings.CELERY_TASK_ROUTES = task_routes(contexts, namespace)
    for cached in ("queues", "router", "default_queue"):
        app.amqp.__dict__.pop(cached, None)
    app.amqp.flush_routes()
