"""The embedded default: nothing leaves the machine. The message stays in comms' table (the Django
admin shows it) and is printed to the console, so a developer can click a reset or an access link."""

from __future__ import annotations

import sys
from typing import TextIO

from contexts.comms.data import OutgoingEmail

RULE = "-" * 72


class LocalProvider:
    name = "local"

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout

    def send(self, email: OutgoingEmail) -> str:
        lines = [
            RULE,
            f"E-mail {email.message_id} (local provider: not sent)",
            f"From: {email.from_name} <{email.from_email}>",
            f"To: {email.to_name} <{email.to_email}>" if email.to_name else f"To: {email.to_email}",
            *(f"{name}: {value}" for name, value in email.headers.items()),
            f"Subject: {email.subject}",
            "",
            email.text_body.rstrip(),
            RULE,
        ]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
        return f"local-{email.message_id}"
