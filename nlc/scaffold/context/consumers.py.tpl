"""What the {{name}} context handles from other contexts' events (nothing yet).

A handler is thin: it reads the payload through the typed accessors of ``Event`` and calls one
service; the inbox makes a redelivery change nothing::

    @handles("auth.user.deleted", versions=(1,))
    def coach_{{entity}}_delete(event: Event) -> None:
        services.coach_{{entity}}_delete(coach_id=event.uuid("userId"))

A payload that can never apply raises ``nlc.events.DeadLetterError``; any other failure (a provider
that may recover) propagates and the bus retries the delivery.
"""

import logging

logger = logging.getLogger(__name__)
