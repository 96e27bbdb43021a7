"""What every third-party adapter (``contexts/<ctx>/providers/``) is built from.

- :class:`~nlc.errors.ProviderError` is the only exception an adapter raises; ``retryable`` tells a
  service (503 vs 502, see :func:`nlc.errors.provider_failure`) and a consumer (retry vs dead
  letter) what to do.
- :func:`nlc.providers.http.http_session`: a ``requests`` session that cannot be used without a
  timeout, and :func:`~nlc.providers.http.http_failure` to turn a transport error or an HTTP answer
  into a ``ProviderError``.
- :func:`nlc.providers.idempotency.idempotency_key`: the key of a change, stable across retries.
- :mod:`nlc.providers.inbound`: claim a provider's event id once (webhooks redelivered or replayed).
"""

from nlc.errors import ProviderError

__all__ = ["ProviderError"]
