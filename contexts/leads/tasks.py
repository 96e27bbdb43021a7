"""Celery tasks of the leads context (none yet): each loads its row by id and calls a service.

A service enqueues a task once its transaction commits, never before::

    @shared_task(name="leads.lead_refresh")
    def lead_refresh(*, lead_id: str) -> None:
        services.lead_refresh(lead_id=UUID(lead_id))

    on_commit("leads", lambda: lead_refresh.delay(lead_id=str(row.id)))
"""

import logging

logger = logging.getLogger(__name__)
