"""Plain results of the integrations context's services and selectors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class IntakeResult:
    """What intake answers the provider: the stored webhook (or the one it duplicates)."""

    webhook_event_id: UUID
    status: str
    duplicate: bool


@dataclass(frozen=True)
class ResolvedConfig:
    """What intake needs of a provider: whether it is on, every signing secret active now, settings."""

    provider: str
    enabled: bool
    secrets: tuple[str, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
