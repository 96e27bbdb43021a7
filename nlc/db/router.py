"""Send each context's models to its own database alias, and keep contexts apart.

- A context's models are read, written and migrated only on its alias.
- Django's framework apps (contenttypes, sessions, admin log, permissions) live on ``default``, the
  alias of the home context (see :mod:`nlc.contexts`).
- The event bus tables (outbox, inbox, dead letters) exist in every context's schema; code always
  names the alias for them, so reads and writes without one are refused rather than guessed.
- Relations across aliases are refused: a reference to another context is a UUID column.
"""

from __future__ import annotations

from django.conf import settings

from nlc.contexts import FRAMEWORK_APP_LABELS, PER_CONTEXT_APP_LABELS


def _aliases_by_label() -> dict[str, str]:
    return {context.app_label: context.alias for context in settings.NLC_CONTEXTS.values()}


def alias_for_app_label(app_label: str) -> str | None:
    """The alias that owns ``app_label``, or None for the per-context event tables."""
    if app_label in PER_CONTEXT_APP_LABELS:
        return None
    if app_label in FRAMEWORK_APP_LABELS:
        return "default"
    return _aliases_by_label().get(app_label, "default")


def alias_for_context(name: str) -> str:
    return settings.NLC_CONTEXTS[name].alias


class ContextRouter:
    def db_for_read(self, model, **hints):
        return self._alias_for(model, hints)

    def db_for_write(self, model, **hints):
        return self._alias_for(model, hints)

    def allow_relation(self, obj1, obj2, **hints):
        first = obj1._state.db or alias_for_app_label(obj1._meta.app_label)
        second = obj2._state.db or alias_for_app_label(obj2._meta.app_label)
        return first == second

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label in PER_CONTEXT_APP_LABELS:
            return True
        return db == alias_for_app_label(app_label)

    @staticmethod
    def _alias_for(model, hints):
        alias = alias_for_app_label(model._meta.app_label)
        if alias is None:
            instance = hints.get("instance")
            if instance is not None and instance._state.db:
                return instance._state.db
            raise LookupError(f"{model.__name__} exists on every context's alias: name one with .using(alias)")
        return alias
