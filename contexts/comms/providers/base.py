"""What an e-mail provider adapter does: send one complete e-mail, answer the provider's message id."""

from __future__ import annotations

from typing import Protocol

from contexts.comms.data import OutgoingEmail


class EmailProvider(Protocol):
    name: str

    def send(self, email: OutgoingEmail) -> str:
        """Hand ``email`` over; the provider's message id. ProviderError (retryable or not) otherwise."""
        ...
