"""Fixtures of the comms tests. The callers (``coach_client``, ``other_coach_client``, ``admin_client``,
``coach_id``) and ``envelope``, ``deliver_event``, ``context_queries`` come from the kernel's plugin."""

from __future__ import annotations

import pytest

from contexts.comms.services import sending
from contexts.comms.tests.fake_mailgun import API_KEY, DOMAIN, FakeMailgun


class SendTasks:
    """Stands in for Celery's broker: records what comms enqueues, and runs it as a worker would."""

    def __init__(self):
        self.enqueued: list[tuple[str, dict]] = []

    def send_task(self, name, **options):
        self.enqueued.append((name, options))

    def message_ids(self) -> list[str]:
        return [options["args"][0] for name, options in self.enqueued if name == sending.SEND_TASK]

    def run(self) -> list[str]:
        """Run every enqueued send once (a worker draining the queue); the outcomes."""
        pending, self.enqueued = self.message_ids(), []
        return [sending.message_deliver(message_id=message_id) for message_id in pending]


@pytest.fixture(autouse=True)
def send_tasks(monkeypatch):
    tasks = SendTasks()
    monkeypatch.setattr(sending, "current_app", tasks)
    # A test's transaction never commits: what comms does on commit (enqueue) happens at once.
    monkeypatch.setattr(sending, "on_commit", lambda context, callback: callback())
    return tasks


@pytest.fixture
def fake_mailgun(settings):
    """A fake Mailgun on loopback with comms' settings pointing at it."""
    fake = FakeMailgun().start()
    settings.COMMS_EMAIL_PROVIDER = "mailgun"
    settings.MAILGUN_API_KEY = API_KEY
    settings.MAILGUN_DOMAIN = DOMAIN
    settings.MAILGUN_API_BASE = fake.url
    settings.COMMS_FROM_EMAIL = f"no-reply@{DOMAIN}"
    settings.COMMS_REDACT_SECRETS = True
    settings.COMMS_MAILGUN_CONNECT_TIMEOUT_SECONDS = 2.0
    settings.COMMS_MAILGUN_READ_TIMEOUT_SECONDS = 2.0
    yield fake
    fake.stop()
