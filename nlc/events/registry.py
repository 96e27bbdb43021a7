"""Event handlers, declared by the consuming context in its ``consumers.py``::

    @handles("billing.payment.completed", versions=(1,))
    def enroll_buyer(event: Event) -> None:
        enrollment_create_from_payment(...)

A handler must be idempotent only through the inbox: the dispatcher commits its effects together
with an inbox row (eventId, handler), so a redelivered event changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.utils.module_loading import module_has_submodule

from nlc.events.envelope import Event

Handler = Callable[[Event], None]


@dataclass(frozen=True)
class HandlerSpec:
    context: str
    event_types: tuple[str, ...]
    versions: frozenset[int]
    name: str
    func: Handler


_handlers: list[HandlerSpec] = []


def _context_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "contexts":
        return parts[1]
    raise ValueError(f"cannot tell the context of handler module {module}: pass context=")


def handles(*event_types: str, versions: Iterable[int] = (1,), context: str | None = None):
    """Declare the decorated function a handler of ``event_types`` in the versions it understands."""

    def decorator(func: Handler) -> Handler:
        func.handler_spec = register(  # type: ignore[attr-defined]  # a marker on the function
            HandlerSpec(
                context=context or _context_of(func.__module__),
                event_types=tuple(event_types),
                versions=frozenset(versions),
                name=f"{func.__module__}.{func.__qualname__}",
                func=func,
            )
        )
        return func

    return decorator


def register(spec: HandlerSpec) -> HandlerSpec:
    if any(existing.name == spec.name for existing in _handlers):
        _handlers[:] = [existing for existing in _handlers if existing.name != spec.name]
    _handlers.append(spec)
    return spec


def unregister(spec: HandlerSpec) -> None:
    _handlers[:] = [existing for existing in _handlers if existing.name != spec.name]


def handler_specs(context: str | None = None) -> list[HandlerSpec]:
    enabled = settings.NLC_CONTEXTS
    return [spec for spec in _handlers if spec.context in enabled and (context is None or spec.context == context)]


def handlers_for(context: str, event_type: str) -> list[HandlerSpec]:
    return [spec for spec in handler_specs(context) if event_type in spec.event_types]


def consuming_contexts() -> list[str]:
    consuming = {spec.context for spec in handler_specs()}
    return [name for name in settings.NLC_CONTEXTS if name in consuming]


def subscribed_types(context: str) -> list[str]:
    return sorted({event_type for spec in handler_specs(context) for event_type in spec.event_types})


def autodiscover() -> None:
    """Import every enabled context's consumers module, and any extra modules named in settings."""
    for context in settings.NLC_CONTEXTS.values():
        package = import_module(context.module)
        if module_has_submodule(package, "consumers"):
            import_module(f"{context.module}.consumers")
    for module in getattr(settings, "NLC_EXTRA_CONSUMER_MODULES", ()):
        import_module(module)


def consumer_topology() -> dict[str, list[str]]:
    """Every consuming context with the event types its queue is bound to."""
    return {context: subscribed_types(context) for context in consuming_contexts()}


def context_handler_specs() -> list[HandlerSpec]:
    """The handlers the contexts declare in their consumers.py (what the AsyncAPI document shows),
    leaving out any a test or a benchmark registers for itself."""
    return [spec for spec in handler_specs() if spec.name.startswith("contexts.")]
