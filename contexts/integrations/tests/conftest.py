import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from jsonschema import Draft202012Validator

from contexts.integrations import handoff
from contexts.integrations.tests.signing import CALENDLY_KEY, MAILGUN_KEY, STRIPE_SECRET


@pytest.fixture(autouse=True)
def signing_secrets(settings):
    """Every provider's secret from the environment, as a deployment sets them."""
    settings.STRIPE_WEBHOOK_SECRET = [STRIPE_SECRET]
    settings.MAILGUN_WEBHOOK_SIGNING_KEY = [MAILGUN_KEY]
    settings.CALENDLY_WEBHOOK_SIGNING_KEY = [CALENDLY_KEY]


@pytest.fixture(autouse=True)
def fresh_publisher():
    """Each test hands off on its own broker connection (a test may point it at a dead broker)."""
    handoff._local.__dict__.clear()
    yield
    publisher = getattr(handoff._local, "publisher", None)
    if publisher is not None:
        publisher.close()
    handoff._local.__dict__.clear()


@pytest.fixture
def dead_broker():
    """Hand-offs go to a port where no broker listens: every attempt fails at once."""
    from nlc.events.broker import ConfirmingPublisher

    handoff._local.publisher = ConfirmingPublisher("amqp://guest:guest@127.0.0.1:9//")


@pytest.fixture
def fanout_queue():
    """A queue bound to the fanout exchange ``nlc.integrations.webhooks``: what a raw-webhook consumer sees.

    ``fanout_queue.messages(n)`` waits for and returns n messages (body and properties)."""
    from nlc.events import topology
    from nlc.events.broker import broker_connection

    connection = broker_connection()
    channel = connection.channel()
    channel.exchange_declare(topology.webhooks_exchange(), "fanout", durable=True, auto_delete=False)
    queue, _, _ = channel.queue_declare("", exclusive=True, auto_delete=True)
    channel.queue_bind(queue, topology.webhooks_exchange())

    class Probe:
        received: list = []

        def messages(self, count: int, *, timeout: float = 5.0) -> list:
            import time

            deadline = time.monotonic() + timeout
            while len(self.received) < count and time.monotonic() < deadline:
                message = channel.basic_get(queue, no_ack=True)
                if message is None:
                    time.sleep(0.02)
                    continue
                self.received.append(message)
            return list(self.received)

    probe = Probe()
    probe.received = []
    yield probe
    connection.release()


def contract(name: str) -> Draft202012Validator:
    path = Path(django_settings.NLC_CONTRACTS_DIR) / "integrations" / f"{name}.schema.json"
    return Draft202012Validator(json.loads(path.read_text()), format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture
def contracts():
    return contract
