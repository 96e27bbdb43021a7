"""Prometheus counters of webhook intake and hand-off (in the process that does the work)."""

from prometheus_client import Counter

received = Counter(
    "nlc_webhooks_received_total", "Verified webhooks, stored or recognised as duplicates", ["provider", "outcome"]
)
rejected = Counter("nlc_webhooks_rejected_total", "Webhooks refused at intake", ["provider", "reason"])
handed_off = Counter(
    "nlc_webhooks_hand_offs_total", "Hand-off attempts to the fanout exchange", ["provider", "outcome"]
)
