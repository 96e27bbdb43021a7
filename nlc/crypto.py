"""Secrets at rest (provider tokens, signing secrets), encrypted with Fernet, the same way in every
context that keeps one::

    secrets = SecretBox(keys_setting="INTEGRATIONS_ENCRYPTION_KEY", salt=b"nlc.integrations",
                        info=b"integration-config-secrets", unreadable=SecretUnreadableError)
    token = secrets.encrypt("whsec_...")

The setting is a list of keys: the first encrypts, every one decrypts (MultiFernet), so a key is
rotated by putting the new one first, re-encrypting (``reencrypt``), then dropping the old one. A
value that is not a Fernet key itself is stretched into one with HKDF-SHA256 (the salt and info keep
contexts' keys apart). Unset, a key derived from SECRET_KEY serves development and tests; production
refuses to encrypt or decrypt without the setting.
"""

from __future__ import annotations

import base64
import binascii
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from nlc.errors import DomainError, UnavailableError


class SecretUnreadableError(UnavailableError):
    """A stored secret cannot be decrypted with any configured key (a key was dropped too soon)."""

    code = "secret_unreadable"
    message = "A stored secret cannot be read with the configured keys."


def _fernet_key(material: str, *, salt: bytes, info: bytes) -> bytes:
    try:
        if len(material) == 44 and len(base64.urlsafe_b64decode(material.encode())) == 32:
            return material.encode()
    except (binascii.Error, ValueError):
        pass
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(material.encode())
    return base64.urlsafe_b64encode(derived)


@functools.lru_cache(maxsize=16)
def _multi_fernet(materials: tuple[str, ...], salt: bytes, info: bytes) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(material, salt=salt, info=info)) for material in materials])


@functools.lru_cache(maxsize=512)
def _decrypt(materials: tuple[str, ...], salt: bytes, info: bytes, ciphertext: str) -> str | None:
    # Memoized: intake paths read the same few secrets on every request.
    try:
        return _multi_fernet(materials, salt, info).decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return None


class SecretBox:
    def __init__(
        self, *, keys_setting: str, salt: bytes, info: bytes, unreadable: type[DomainError] = SecretUnreadableError
    ):
        self.keys_setting = keys_setting
        self.salt = salt
        self.info = info
        self.unreadable = unreadable

    def _materials(self) -> tuple[str, ...]:
        keys = tuple(key for key in getattr(settings, self.keys_setting, ()) or () if key)
        if not keys and getattr(settings, "IS_PRODUCTION", False):
            raise ImproperlyConfigured(f"{self.keys_setting} must be set in production")
        return keys or (f"derived-from-secret-key:{settings.SECRET_KEY}",)

    def _fernet(self) -> MultiFernet:
        return _multi_fernet(self._materials(), self.salt, self.info)

    def encrypt(self, plaintext: str) -> str:
        """The Fernet token of ``plaintext`` under the first key; "" stays "" (no secret)."""
        if not plaintext:
            return ""
        return self._fernet().encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        if not ciphertext:
            return ""
        plaintext = _decrypt(self._materials(), self.salt, self.info, ciphertext)
        if plaintext is None:
            raise self.unreadable()
        return plaintext

    def reencrypt(self, ciphertext: str) -> str:
        """The same secret under the current first key (after a key rotation)."""
        if not ciphertext:
            return ""
        try:
            return self._fernet().rotate(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise self.unreadable() from error


def secret_mask(plaintext: str) -> str:
    """What may be shown of a secret: its last four characters."""
    if not plaintext:
        return ""
    return f"…{plaintext[-4:]}" if len(plaintext) > 8 else "…"
