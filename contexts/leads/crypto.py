"""Secrets at rest for leads (a coach's Calendly access token), encrypted with Fernet.

The smallest helper leads needs; it belongs in the kernel (nlc/) beside the one integrations has,
which leads may not import. Keys come from ``LEADS_ENCRYPTION_KEY`` (a list: the first encrypts, every
one decrypts); unset, a key derived from SECRET_KEY is used in development and tests, and production
refuses to store or read a secret.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from contexts.leads.errors import SecretUnreadableError

HKDF_SALT = b"nlc.leads"
HKDF_INFO = b"leads-config-secrets"


def _key_materials() -> tuple[str, ...]:
    keys = tuple(key for key in getattr(settings, "LEADS_ENCRYPTION_KEY", ()) if key)
    if not keys and settings.IS_PRODUCTION:
        raise ImproperlyConfigured("LEADS_ENCRYPTION_KEY must be set in production")
    return keys or (f"derived-from-secret-key:{settings.SECRET_KEY}",)


@functools.lru_cache(maxsize=8)
def _multi_fernet(materials: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO).derive(material.encode())
                )
            )
            for material in materials
        ]
    )


def secret_encrypt(plaintext: str) -> str:
    """The Fernet token of ``plaintext``; "" stays "" (no secret)."""
    if not plaintext:
        return ""
    return _multi_fernet(_key_materials()).encrypt(plaintext.encode()).decode()


def secret_decrypt(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return _multi_fernet(_key_materials()).decrypt(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadableError() from error
