"""Secrets at rest for leads (a coach's Calendly access token), encrypted through nlc.crypto under
``LEADS_ENCRYPTION_KEY`` (a list: the first encrypts, every one decrypts); production refuses to
store or read a secret without it."""

from __future__ import annotations

from contexts.leads.errors import SecretUnreadableError
from nlc.crypto import SecretBox

__all__ = ["secret_decrypt", "secret_encrypt"]

_secrets = SecretBox(
    keys_setting="LEADS_ENCRYPTION_KEY",
    salt=b"nlc.leads",
    info=b"leads-config-secrets",
    unreadable=SecretUnreadableError,
)
secret_encrypt = _secrets.encrypt
secret_decrypt = _secrets.decrypt
