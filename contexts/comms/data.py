"""Plain result types of the comms context."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RenderedEmail:
    """A template rendered for one recipient."""

    subject: str
    text_body: str
    html_body: str


@dataclass(frozen=True)
class OutgoingEmail:
    """What a provider adapter sends: complete, with every header it needs."""

    message_id: str
    to_email: str
    to_name: str
    from_email: str
    from_name: str
    subject: str
    text_body: str
    html_body: str
    reply_to: str = ""
    tags: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
