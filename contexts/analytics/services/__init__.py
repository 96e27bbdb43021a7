"""Writes of the analytics context: the log (log.py), the live fold over it (fold.py) and rebuilds
(rebuild.py). Re-exported here: callers import ``contexts.analytics.services``."""

from contexts.analytics.services.fold import log_fold, snapshots_publish, snapshots_publish_due
from contexts.analytics.services.log import event_log, fold_after_commit
from contexts.analytics.services.rebuild import coach_rebuild, coach_rebuild_enqueue, log_rebuild

__all__ = [
    "coach_rebuild",
    "coach_rebuild_enqueue",
    "event_log",
    "fold_after_commit",
    "log_fold",
    "log_rebuild",
    "snapshots_publish",
    "snapshots_publish_due",
]
