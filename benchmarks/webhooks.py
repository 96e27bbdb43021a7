"""scripts/bench webhooks: signed Stripe webhooks accepted per second, and the time to acknowledge.

One gunicorn (benchmarks.http.BenchServer: scratch database, the project plus the baselines) serves,
in the same run:
1. the baselines as fast as they answer: plain Django "hello", DRF one-row read and one-row insert;
2. webhook intake as fast as it answers: distinct ``checkout.session.completed`` events (the shared
   fixture with fresh ids), each signed with Stripe's scheme just before its phase;
3. webhook intake and the one-row insert at a steady 100 requests/s (p99 of the acknowledgement);
and prints every figure and the ratio of webhook intake to the one-row insert. Load comes from a
second process on loopback. The relay and worker do not run: intake's work ends at the commit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from pathlib import Path

from benchmarks.http import BenchServer, LoadResult, Request, baselines, run_load

SECRET = "whsec_bench_only_not_a_real_secret"
FIXTURE = (
    Path(__file__).resolve().parent.parent
    / "contexts/integrations/tests/fixtures/stripe/checkout.session.completed.json"
)
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
DURATION = float(os.environ.get("BENCH_DURATION", "8"))
STEADY_RATE = 100.0
STEADY_DURATION = float(os.environ.get("BENCH_STEADY_DURATION", "10"))
AIM_RATIO, AIM_P99_MS = 0.6, 50.0


def signed_webhooks(prefix: str, count: int) -> list[Request]:
    """``count`` distinct Stripe events, signed now (Stripe-Signature: t=..,v1=HMAC(secret, "t.body"))."""
    template = FIXTURE.read_bytes()
    original = b'"id": "' + json.loads(template)["id"].encode() + b'"'
    timestamp = int(time.time())
    requests = []
    for n in range(count):
        body = template.replace(original, f'"id": "evt_{prefix}{n:07d}"'.encode(), 1)
        signature = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "Stripe-Signature": f"t={timestamp},v1={signature}"}
        requests.append(Request("POST", "/integrations/webhooks/stripe", headers, body))
    return requests


def main() -> None:
    env = {
        "STRIPE_WEBHOOK_SECRET": SECRET,
        # The webhooks throttle still runs on every request, with a rate this load cannot reach.
        "THROTTLE_RATE_WEBHOOKS": "1000000/second",
    }
    with BenchServer(env=env) as server:
        warm = run_load(server.url, signed_webhooks("warm", 400), concurrency=4, duration=1.0)
        assert warm.statuses.get("202"), f"webhook warm-up failed: {warm.statuses}"
        base = baselines(server, concurrency=CONCURRENCY, duration=DURATION)
        # Enough distinct events for the phase at well above the rate this machine reaches.
        webhooks = run_load(
            server.url,
            signed_webhooks("max", int(DURATION * 1500)),
            concurrency=CONCURRENCY,
            duration=DURATION,
        )
        steady = run_load(
            server.url,
            signed_webhooks("steady", int(STEADY_RATE * STEADY_DURATION) + 50),
            concurrency=CONCURRENCY,
            duration=STEADY_DURATION,
            rate=STEADY_RATE,
        )
        insert_body = json.dumps({"name": "baseline", "payload": {"a": 1}}).encode()
        insert_steady = run_load(
            server.url,
            [Request("POST", "/bench/insert", {"Content-Type": "application/json"}, insert_body)],
            concurrency=CONCURRENCY,
            duration=STEADY_DURATION,
            rate=STEADY_RATE,
        )
        stored = _stored_webhooks()

    _report(base, warm, webhooks, steady, insert_steady, stored)


def _stored_webhooks() -> int:
    from contexts.integrations.models import WebhookEvent

    return WebhookEvent.objects.count()


def _report(
    base: dict[str, LoadResult],
    warm: LoadResult,
    webhooks: LoadResult,
    steady: LoadResult,
    insert_steady: LoadResult,
    stored: int,
) -> None:
    workers = os.environ.get("BENCH_WEB_WORKERS", "2")
    print(f"gunicorn: {workers} sync workers; load: concurrency {CONCURRENCY}, {DURATION:.0f} s per phase")
    print(base["hello"].line("baseline hello (plain Django)"))
    print(base["read"].line("baseline read one row (DRF)"))
    print(base["insert"].line("baseline insert one row (DRF, one transaction)"))
    print(webhooks.line("webhook intake, signed Stripe (max rate)"))
    print(insert_steady.line(f"baseline insert at {STEADY_RATE:.0f} req/s"))
    print(steady.line(f"webhook intake at {STEADY_RATE:.0f} req/s"))
    accepted = sum(result.statuses.get("202", 0) for result in (warm, webhooks, steady))
    duplicates = webhooks.statuses.get("200", 0) + steady.statuses.get("200", 0)
    print(f"stored webhooks: {stored} (202 answers, warm-up included: {accepted}; duplicates: {duplicates})")
    ratio = webhooks.rps / base["insert"].rps if base["insert"].rps else 0.0
    print(f"ratio webhook intake / one-row insert: {ratio:.2f}  (aim >= {AIM_RATIO})")
    print(f"p99 acknowledgement at {STEADY_RATE:.0f} req/s: {steady.p99_ms:.1f} ms  (aim < {AIM_P99_MS:.0f} ms)")
    missed = []
    if ratio < AIM_RATIO:
        missed.append("ratio")
    if steady.p99_ms >= AIM_P99_MS:
        missed.append("p99")
    print("aims met" if not missed else f"aims missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
