"""Writes of the courses context. Each service owns its transaction on the courses alias: the change,
the aggregates it moves and the events it announces commit together or not at all.

Locking, so concurrent writes stay correct and each aggregate's events leave in commit order: a
structure change locks the course row first (positions are computed under it), an enrollment change
locks the enrollment row, and a progress report its lesson-progress row (the course is not locked on
this hot path). Rows are always locked in this order, so writers never deadlock one another:
media asset, course, lesson progress, lesson stats, enrollment, course stats.

The modules: ``authoring`` (courses, modules, lessons), ``enrollments``, ``progress``, ``counters``
(the aggregates), ``snapshots``, ``copies`` (local copies of other contexts' data), ``privacy``
(erasure).
"""

from contexts.courses.services.authoring import (
    course_archive,
    course_create,
    course_delete,
    course_publish,
    course_save_new,
    course_structure_touch,
    course_update,
    lesson_create,
    lesson_delete,
    lesson_reorder,
    lesson_update,
    module_create,
    module_delete,
    module_reorder,
    module_update,
)
from contexts.courses.services.copies import coach_copy_save, media_asset_state_apply
from contexts.courses.services.counters import course_stats_refresh
from contexts.courses.services.enrollments import (
    enrollment_access_link_renew,
    enrollment_create_from_payment,
    enrollment_grant,
    enrollment_revoke,
    enrollment_revoke_for_refund,
)
from contexts.courses.services.privacy import client_erase
from contexts.courses.services.progress import lesson_playback_record, lesson_progress_record
from contexts.courses.services.snapshots import progress_snapshot_take

__all__ = [
    "client_erase",
    "coach_copy_save",
    "course_archive",
    "course_create",
    "course_delete",
    "course_publish",
    "course_save_new",
    "course_stats_refresh",
    "course_structure_touch",
    "course_update",
    "enrollment_access_link_renew",
    "enrollment_create_from_payment",
    "enrollment_grant",
    "enrollment_revoke",
    "enrollment_revoke_for_refund",
    "lesson_create",
    "lesson_delete",
    "lesson_playback_record",
    "lesson_progress_record",
    "lesson_reorder",
    "lesson_update",
    "media_asset_state_apply",
    "module_create",
    "module_delete",
    "module_reorder",
    "module_update",
    "progress_snapshot_take",
]
