"""The event bus: ``from nlc.events import publish, handles, Event``.

See ``nlc/events/README.md`` for how events travel (outbox, relay, RabbitMQ, consumers, inbox).
"""

from typing import Any

__all__ = ["DeadLetterError", "Event", "handles", "publish"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing the package (as INSTALLED_APPS does) never touches the models early.
    if name == "publish":
        from nlc.events.publisher import publish

        return publish
    if name == "handles":
        from nlc.events.registry import handles

        return handles
    if name == "Event":
        from nlc.events.envelope import Event

        return Event
    if name == "DeadLetterError":
        from nlc.events.dispatch import DeadLetterError

        return DeadLetterError
    raise AttributeError(name)
