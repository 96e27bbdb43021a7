"""What the notifications context publishes: nothing. It owns the ``notify.user`` contract, a request
type that the asking contexts publish from their own outboxes and this context consumes
(consumers.py; decision 0009)."""
