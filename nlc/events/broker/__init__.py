"""RabbitMQ: the topology, a publisher that confirms in batches, a context's consumer, the
dead-letter queues, and the backend that ties them to the outbox.

Topology (every name behind ``settings.NLC_BUS_NAMESPACE``, see ``nlc.events.topology``):
- ``nlc.domain.events``: durable topic exchange; routing key = event type.
- ``nlc.integrations.webhooks``: durable fanout exchange for verified raw webhook bodies.
- per consuming context: quorum queue ``nlc.<ctx>.events`` bound to the types it handles, with a
  delivery limit and dead-lettering to the fanout exchange ``nlc.dlx.<ctx>`` and its quorum queue;
  retry queues ``nlc.<ctx>.retry.<n>`` hold a failed message for the n-th backoff delay (message
  TTL) and dead-letter it back to the context's queue.

Modules: ``connection`` (the connection, BrokerError), ``topology`` (declare/delete), ``publisher``
(ConfirmingPublisher, the wire form of an event), ``consumer`` (ContextConsumer, ConsumerLoop),
``dead_letter_queue`` (requeue/purge), ``backend`` (RabbitMQBackend). Import from the package.
"""

from nlc.events.broker.backend import RabbitMQBackend
from nlc.events.broker.connection import BrokerError, broker_connection
from nlc.events.broker.consumer import ConsumerLoop, ContextConsumer
from nlc.events.broker.dead_letter_queue import purge_dead_letters, requeue_dead_letters, resend_dead_letter
from nlc.events.broker.publisher import (
    ATTEMPT_HEADER,
    ERROR_HEADER,
    ConfirmingPublisher,
    json_body,
    message_properties,
    send_envelopes,
    wire_properties,
)
from nlc.events.broker.topology import (
    DELIVERY_LIMIT,
    context_queue_names,
    context_queues,
    declare_topology,
    delete_topology,
    domain_exchange,
    retry_delay_ms,
)

__all__ = [
    "ATTEMPT_HEADER",
    "DELIVERY_LIMIT",
    "ERROR_HEADER",
    "BrokerError",
    "ConfirmingPublisher",
    "ConsumerLoop",
    "ContextConsumer",
    "RabbitMQBackend",
    "broker_connection",
    "context_queue_names",
    "context_queues",
    "declare_topology",
    "delete_topology",
    "domain_exchange",
    "json_body",
    "message_properties",
    "purge_dead_letters",
    "requeue_dead_letters",
    "resend_dead_letter",
    "retry_delay_ms",
    "send_envelopes",
    "wire_properties",
]
