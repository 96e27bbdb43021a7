"""Learner access links: ``LEARNER_ACCESS_URL_TEMPLATE`` with a signed token naming one enrollment.

The token is ``<enrollment id hex>-<access version>.<HMAC-SHA256>`` (django.core.signing, keyed by
SECRET_KEY with its own salt; SECRET_KEY_FALLBACKS keep links alive across a key rotation). Nothing
secret is stored, so the coach can be shown the link again and the demo can print it at every start.
Revocation works at once because every request reads the enrollment: a revoked enrollment is
refused, and revoking or renewing a link raises ``access_version``, so every older token is dead.
"""

from __future__ import annotations

import re
from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.core import signing

from contexts.courses.errors import AccessTokenInvalidError

_SALT = "nlc.courses.learner-access"
_SEPARATOR = "."
_VALUE = re.compile(r"^(?P<enrollment>[0-9a-f]{32})-(?P<version>[1-9][0-9]{0,9})$")
TOKEN_MAX_LENGTH = 128


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=_SEPARATOR, algorithm="sha256")


def access_token_issue(*, enrollment_id: UUID, access_version: int) -> str:
    return _signer().sign(f"{enrollment_id.hex}-{access_version}")


def access_token_read(token: str) -> tuple[UUID, int]:
    """(enrollment id, access version) of a token we signed; AccessTokenInvalidError otherwise."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise AccessTokenInvalidError("malformed")
    try:
        value = _signer().unsign(token)
    except signing.BadSignature as error:
        raise AccessTokenInvalidError("bad signature") from error
    match = _VALUE.match(value)
    if match is None:
        raise AccessTokenInvalidError("malformed")
    return UUID(match["enrollment"]), int(match["version"])


def access_url_for(*, enrollment_id: UUID, access_version: int) -> str:
    token = access_token_issue(enrollment_id=enrollment_id, access_version=access_version)
    return settings.LEARNER_ACCESS_URL_TEMPLATE.replace("{token}", quote(token, safe=""))
