"""The nine bounded contexts and where each one lives.

Everything that needs to map a context to its Django app, its database alias or its PostgreSQL
schema asks this module; it is plain data and imports no context.

A context's app label is its name, except for the auth context: Django's own app already holds the
label ``auth``, so ours is ``accounts``. The context that serves Django's framework apps
(contenttypes, sessions, the admin log, the user model) is the *home* context: auth when it is
enabled, otherwise the first enabled context. Its alias is ``default``, which Django requires.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT_NAMES: tuple[str, ...] = (
    "auth",
    "billing",
    "courses",
    "media",
    "comms",
    "leads",
    "integrations",
    "analytics",
    "notifications",
)

# Django's own apps, and simplejwt's token blacklist (it points at the user model): their tables live
# in the home context's schema.
FRAMEWORK_APP_LABELS = frozenset({"admin", "auth", "contenttypes", "sessions", "token_blacklist"})

# Apps whose tables every context keeps a copy of in its own schema (the outbox and inbox of the
# event bus); the caller always names the alias explicitly.
PER_CONTEXT_APP_LABELS = frozenset({"nlc_events"})


@dataclass(frozen=True)
class Context:
    name: str
    alias: str

    @property
    def app_label(self) -> str:
        return "accounts" if self.name == "auth" else self.name

    @property
    def module(self) -> str:
        return f"contexts.{self.name}"

    @property
    def schema(self) -> str:
        return self.name


def parse_enabled(value: str | None) -> tuple[str, ...]:
    """Read ``NLC_CONTEXTS`` (comma-separated names, or empty/"all" for every context)."""
    if not value or value.strip().lower() == "all":
        return CONTEXT_NAMES
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = sorted(set(names) - set(CONTEXT_NAMES))
    if unknown:
        raise ValueError(f"NLC_CONTEXTS names unknown contexts: {', '.join(unknown)}")
    return tuple(name for name in CONTEXT_NAMES if name in names)


def build_contexts(enabled: tuple[str, ...]) -> dict[str, Context]:
    home = "auth" if "auth" in enabled else enabled[0]
    return {name: Context(name=name, alias="default" if name == home else name) for name in enabled}
