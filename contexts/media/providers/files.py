"""Files (documents, local videos) in the ``media`` storage of ``settings.STORAGES``: local disk
by default, S3 through django-storages by configuration. Failures leave as ProviderError."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.core.files.storage import storages

from nlc.errors import ProviderError

STORAGE = "media"


@contextmanager
def _storage_call() -> Iterator[None]:
    try:
        yield
    except OSError as error:  # boto's and the disk's failures alike; storage is worth retrying
        raise ProviderError(f"file storage failed: {error}", provider="storage", retryable=True) from error


def file_save(*, name: str, content: IO[bytes]) -> str:
    """Store ``content`` under exactly ``name`` (replacing a file of that name); answer the name."""
    storage = storages[STORAGE]
    with _storage_call():
        if storage.exists(name):
            storage.delete(name)
        return storage.save(name, content)


def file_open(*, name: str) -> IO[bytes]:
    with _storage_call():
        return storages[STORAGE].open(name, "rb")


def file_exists(*, name: str) -> bool:
    with _storage_call():
        return storages[STORAGE].exists(name)


def file_delete(*, name: str) -> None:
    with _storage_call():
        storages[STORAGE].delete(name)
