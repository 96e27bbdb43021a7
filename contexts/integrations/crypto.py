"""Secrets at rest: integration configs keep their signing secrets encrypted (nlc.crypto), under
``INTEGRATIONS_ENCRYPTION_KEY`` (a list: the first encrypts, every one decrypts). A key is rotated by
putting the new one first, running ``manage.py webhooks reencrypt``, then dropping the old one."""

from __future__ import annotations

from contexts.integrations.errors import SecretUnreadableError
from nlc.crypto import SecretBox, secret_mask

__all__ = ["secret_decrypt", "secret_encrypt", "secret_mask", "secret_reencrypt"]

_secrets = SecretBox(
    keys_setting="INTEGRATIONS_ENCRYPTION_KEY",
    salt=b"nlc.integrations",
    info=b"integration-config-secrets",
    unreadable=SecretUnreadableError,
)
secret_encrypt = _secrets.encrypt
secret_decrypt = _secrets.decrypt
secret_reencrypt = _secrets.reencrypt
