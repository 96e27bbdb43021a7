"""Secrets at rest: integration configs keep their signing secrets encrypted with Fernet.

Keys come from ``INTEGRATIONS_ENCRYPTION_KEY`` (a list): the first encrypts, every one decrypts
(MultiFernet), so a key is rotated by putting the new one first, running
``manage.py webhooks reencrypt``, then dropping the old one. A value that is not a Fernet key itself
is stretched into one with HKDF-SHA256. Outside production an unset variable falls back to a key
derived from SECRET_KEY (settings refuse to start production without one).
"""

from __future__ import annotations

import base64
import binascii
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from contexts.integrations.errors import SecretUnreadableError

HKDF_SALT = b"nlc.integrations"
HKDF_INFO = b"integration-config-secrets"


def _fernet_key(material: str) -> bytes:
    try:
        if len(base64.urlsafe_b64decode(material.encode())) == 32 and len(material) == 44:
            return material.encode()
    except (binascii.Error, ValueError):
        pass
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO).derive(material.encode())
    return base64.urlsafe_b64encode(derived)


def _key_materials() -> tuple[str, ...]:
    keys = tuple(key for key in settings.INTEGRATIONS_ENCRYPTION_KEY if key)
    return keys or (f"derived-from-secret-key:{settings.SECRET_KEY}",)


@functools.lru_cache(maxsize=8)
def _multi_fernet(materials: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(material)) for material in materials])


def secret_encrypt(plaintext: str) -> str:
    """The Fernet token of ``plaintext`` under the first key; "" stays "" (no secret)."""
    if not plaintext:
        return ""
    return _multi_fernet(_key_materials()).encrypt(plaintext.encode()).decode()


def secret_decrypt(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    return _decrypt(_key_materials(), ciphertext)


@functools.lru_cache(maxsize=256)
def _decrypt(materials: tuple[str, ...], ciphertext: str) -> str:
    # Memoized: webhook intake reads the same few secrets on every request.
    try:
        return _multi_fernet(materials).decrypt(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadableError() from error


def secret_reencrypt(ciphertext: str) -> str:
    """The same secret under the current first key (after a key rotation)."""
    if not ciphertext:
        return ""
    try:
        return _multi_fernet(_key_materials()).rotate(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadableError() from error


def secret_mask(plaintext: str) -> str:
    """What may be shown of a secret: its last four characters."""
    if not plaintext:
        return ""
    return f"…{plaintext[-4:]}" if len(plaintext) > 8 else "…"
