"""Celery tasks of the {{name}} context (none yet): each loads its row by id and calls a service.

A service enqueues a task once its transaction commits, never before::

    @shared_task(name="{{name}}.{{entity}}_refresh")
    def {{entity}}_refresh(*, {{entity}}_id: str) -> None:
        services.{{entity}}_refresh({{entity}}_id=UUID({{entity}}_id))

    on_commit("{{name}}", lambda: {{entity}}_refresh.delay({{entity}}_id=str(row.id)))
"""

import logging

logger = logging.getLogger(__name__)
