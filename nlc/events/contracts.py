"""Event contracts: one JSON Schema (draft 2020-12) per event type and version.

The schemas live under ``settings.NLC_CONTRACTS_DIR`` (``docs/contracts/events``) as
``<domain>/<event>.schema.json`` for the current version of ``<domain>.<event>`` and
``<domain>/<event>.v<N>.schema.json`` for older ones. They describe the event's *payload*; the
envelope around it is the bus's business. ``publish()`` validates every payload against its contract,
so a producer cannot ship a payload its consumers were not promised.

A published version is never edited: ``published.lock.json`` (beside the domain folders) holds the
fingerprint of every published (type, version), and :func:`snapshot_problems` reports any drift.
This module is part of the shared kernel and imports no context and no project settings module.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError, relevance

from nlc.contexts import CONTEXT_NAMES

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_SUFFIX = ".schema.json"
LOCK_FILE_NAME = "published.lock.json"
FREEZE_COMMAND = "manage.py events contracts --freeze"

# An event type is `<domain>.<entity>.<verb>` (or `<domain>.<name>`), lower snake case segments.
_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_FILE_NAME = re.compile(r"^(?P<event>[a-z][a-z0-9_.]*?)(?:\.v(?P<version>[1-9][0-9]*))?\.schema\.json$")
# Domains whose producer is not the context of the same name.
_DOMAIN_PRODUCERS = {"notify": "notifications"}
# ``"x-publishers": "*"`` makes a contract a request type: any context publishes it from its own
# outbox (the envelope's producer names the asker) and ``x-producer`` is the context that owns the
# contract and acts on it (notify.user: docs/decisions/0009). Without it only x-producer publishes.
ANY_PUBLISHER = "*"


class ContractViolationError(ValueError):
    """A payload does not match its contract. ``errors`` lists every problem, best first."""

    def __init__(self, event_type: str, version: int, errors: list[str]):
        self.event_type = event_type
        self.version = version
        self.errors = errors
        super().__init__(f"{event_type} v{version}: " + "; ".join(errors))

    def __reduce__(self):
        # Picklable (Celery results, multiprocessing) despite the keyword-rich constructor.
        return (type(self), (self.event_type, self.version, self.errors))


class UnknownContractError(LookupError):
    """No contract exists for the event type (or for that version of it)."""


class InvalidContractError(ValueError):
    """A contract file is malformed or disagrees with its file name; the message lists every problem."""


# --- Formats -----------------------------------------------------------------------------------
# jsonschema checks `date-time` and `uri` only with optional packages installed; the contracts rely
# on both, so they are checked here without extra dependencies.
FORMAT_CHECKER = FormatChecker()
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
_WHITESPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def _is_date_time(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if not _RFC3339.match(instance):
        return False
    datetime.fromisoformat(instance.upper().replace("Z", "+00:00"))  # rejects 2025-02-30 and 25:00
    return True


@FORMAT_CHECKER.checks("uri", raises=ValueError)
def _is_uri(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if _WHITESPACE_OR_CONTROL.search(instance):
        return False
    parts = urlsplit(instance)
    return bool(_URI_SCHEME.match(parts.scheme)) and bool(parts.netloc or parts.path)


@FORMAT_CHECKER.checks("uri-reference", raises=ValueError)
def _is_uri_reference(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if _WHITESPACE_OR_CONTROL.search(instance):
        return False
    urlsplit(instance)
    return True


def canonical_json(schema: dict) -> str:
    return json.dumps(schema, sort_keys=True, separators=(",", ":"))


def fingerprint_of(schema: dict) -> str:
    return hashlib.sha256(canonical_json(schema).encode()).hexdigest()


# --- Contract ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Contract:
    event_type: str
    version: int
    producer: str
    schema: dict = field(compare=False, repr=False)
    path: Path = field(compare=False)
    # Who may publish it besides ``producer``: ANY_PUBLISHER, or no one (an ordinary event).
    publishers: str | None = field(default=None, compare=False)
    _validator: Draft202012Validator = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Compiled once: publish() validates on every call.
        object.__setattr__(self, "_validator", Draft202012Validator(self.schema, format_checker=FORMAT_CHECKER))

    def validate(self, payload: dict) -> None:
        """Raise :class:`ContractViolationError` naming every field that breaks the contract."""
        errors = sorted(self._validator.iter_errors(payload), key=relevance, reverse=True)
        if errors:
            raise ContractViolationError(self.event_type, self.version, _describe(errors))

    def may_publish(self, context: str) -> bool:
        """Whether ``context`` may publish this contract from its own outbox."""
        return context == self.producer or self.publishers == ANY_PUBLISHER

    @property
    def fingerprint(self) -> str:
        """sha256 of the schema's canonical JSON: what ``published.lock.json`` freezes."""
        return fingerprint_of(self.schema)


def _describe(errors: Iterable[ValidationError]) -> list[str]:
    described: list[str] = []
    for error in errors:
        where = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            lines = [
                _at([*where, name], "is required but missing")
                for name in error.validator_value
                if name not in error.instance
            ]
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            lines = [
                _at([*where, name], "is not in the contract (additional properties are not allowed)")
                for name in error.instance
                if name not in known
            ]
        else:
            lines = [_at(where, error.message)]
        described.extend(line for line in lines if line not in described)
    return described


def _at(path: list, message: str) -> str:
    location = ".".join(str(part) for part in path) if path else "payload"
    return f"{location}: {message}"


# --- Registry ----------------------------------------------------------------------------------
class ContractRegistry:
    """Every contract below ``directory``, checked for agreement with its file name on load."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._contracts: dict[str, dict[int, Contract]] = {}
        problems: list[str] = []
        if not self.directory.is_dir():
            raise InvalidContractError(f"contracts directory {self.directory} does not exist")
        for path in sorted(self.directory.rglob(f"*{SCHEMA_SUFFIX}")):
            contract, file_problems = _load(path, self.directory)
            problems.extend(file_problems)
            if contract is not None:
                versions = self._contracts.setdefault(contract.event_type, {})
                if contract.version in versions:
                    problems.append(
                        f"{path.relative_to(self.directory)}: {contract.event_type} v{contract.version} "
                        f"is also defined by {versions[contract.version].path.relative_to(self.directory)}"
                    )
                else:
                    versions[contract.version] = contract
        problems.extend(self._version_problems())
        if problems:
            raise InvalidContractError("invalid event contracts:\n  " + "\n  ".join(problems))

    def _version_problems(self) -> list[str]:
        problems = []
        for event_type, versions in self._contracts.items():
            current = [contract for contract in versions.values() if not _is_versioned_file(contract.path)]
            if not current:
                problems.append(f"{event_type}: no current contract file {_file_name(event_type)}")
            elif current[0].version != max(versions):
                problems.append(
                    f"{event_type}: the current file {_file_name(event_type)} is v{current[0].version}, "
                    f"but v{max(versions)} exists; the current file must hold the latest version"
                )
            producers = sorted({contract.producer for contract in versions.values()})
            if len(producers) > 1:
                problems.append(f"{event_type}: versions disagree on x-producer ({', '.join(producers)})")
        return problems

    def get(self, event_type: str, version: int | None = None) -> Contract:
        versions = self._contracts.get(event_type)
        if not versions:
            raise UnknownContractError(f"no contract for event type {event_type!r}")
        if version is None:
            return versions[max(versions)]
        if version not in versions:
            known = ", ".join(f"v{number}" for number in sorted(versions))
            raise UnknownContractError(f"{event_type} has no contract version {version!r} (known: {known})")
        return versions[version]

    def latest_version(self, event_type: str) -> int:
        return self.get(event_type).version

    def all(self) -> list[Contract]:
        return [
            self._contracts[event_type][version]
            for event_type in sorted(self._contracts)
            for version in sorted(self._contracts[event_type])
        ]

    def types(self) -> list[str]:
        return sorted(self._contracts)

    def producer_of(self, event_type: str) -> str:
        return self.get(event_type).producer


def _file_name(event_type: str, version: int | None = None) -> str:
    domain, event = event_type.split(".", 1)
    suffix = f".v{version}" if version is not None else ""
    return f"{domain}/{event}{suffix}{SCHEMA_SUFFIX}"


def _is_versioned_file(path: Path) -> bool:
    match = _FILE_NAME.match(path.name)
    return bool(match and match["version"])


def expected_producer(event_type: str) -> str:
    domain = event_type.split(".", 1)[0]
    return _DOMAIN_PRODUCERS.get(domain, domain)


def _load(path: Path, directory: Path) -> tuple[Contract | None, list[str]]:
    relative = path.relative_to(directory)
    name = _FILE_NAME.match(path.name)
    if len(relative.parts) != 2 or not name:
        return None, [f"{relative}: contract files are named <domain>/<event>[.v<N>]{SCHEMA_SUFFIX}"]
    event_type = f"{relative.parts[0]}.{name['event']}"
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return None, [f"{relative}: not readable JSON ({error})"]
    if not isinstance(schema, dict):
        return None, [f"{relative}: a contract is a JSON object"]
    version, problems = _version_of(relative, schema, name["version"])
    problems += _schema_problems(relative, event_type, schema, version)
    producer = schema.get("x-producer")
    publishers = schema.get("x-publishers")
    if publishers not in (None, ANY_PUBLISHER):
        problems.append(f"{relative}: x-publishers is {ANY_PUBLISHER!r} (any context) or absent, not {publishers!r}")
    if problems or version is None or not isinstance(producer, str):
        return None, problems
    return (
        Contract(
            event_type=event_type, version=version, producer=producer, schema=schema, path=path, publishers=publishers
        ),
        [],
    )


def _version_of(relative: Path, schema: dict[str, Any], named: str | None) -> tuple[int | None, list[str]]:
    """The contract's ``x-version``, checked against the file name's ``.v<N>``."""
    version = schema.get("x-version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return None, [f"{relative}: x-version must be a positive integer, not {version!r}"]
    if named and int(named) != version:
        return version, [f"{relative}: x-version is {version}, the file name says v{named}"]
    return version, []


def _schema_problems(relative: Path, event_type: str, schema: dict[str, Any], version: int | None) -> list[str]:
    problems = []
    if not _EVENT_TYPE.match(event_type):
        problems.append(f"{relative}: {event_type!r} is not a valid event type")
    expectations = {
        "$schema": SCHEMA_DIALECT,
        "x-event-type": event_type,
        "title": event_type,
        "x-producer": expected_producer(event_type),
        "type": "object",
    }
    if version is not None:
        expectations["$id"] = f"urn:nlc:event:{event_type}:v{version}"
    problems.extend(
        f"{relative}: {key} must be {expected!r}, not {schema.get(key)!r}"
        for key, expected in expectations.items()
        if schema.get(key) != expected
    )
    producer = schema.get("x-producer")
    if producer not in CONTEXT_NAMES:
        problems.append(f"{relative}: x-producer {producer!r} is not a context ({', '.join(CONTEXT_NAMES)})")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        problems.append(f"{relative}: not a valid JSON Schema: {error.message}")
    return problems


@cache
def registry() -> ContractRegistry:
    """The project's contracts (``settings.NLC_CONTRACTS_DIR``), loaded once per process.

    After pointing the setting elsewhere (tests), call ``registry.cache_clear()``."""
    from django.conf import settings

    return ContractRegistry(Path(settings.NLC_CONTRACTS_DIR))


# --- Snapshot of published versions ------------------------------------------------------------
def lock_path_for(registry: ContractRegistry) -> Path:
    return registry.directory / LOCK_FILE_NAME


def read_lock(lock_path: Path) -> dict[str, dict[str, str]]:
    """``{event type: {version as str: fingerprint}}``; empty when the lock does not exist yet."""
    if not Path(lock_path).exists():
        return {}
    document = json.loads(Path(lock_path).read_text(encoding="utf-8"))
    return document["contracts"]


def snapshot_problems(registry: ContractRegistry, lock_path: Path) -> list[str]:
    """What breaks the rule "a published contract version is never edited nor deleted", plus versions
    that exist but are not frozen yet. Empty when the contracts and the lock agree."""
    try:
        locked = read_lock(lock_path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [f"{lock_path} is not a readable contract lock ({error!r})"]
    problems = []
    for event_type in sorted(locked):
        for version_key in sorted(locked[event_type], key=int):
            version = int(version_key)
            try:
                contract = registry.get(event_type, version)
            except UnknownContractError:
                problems.append(
                    f"{event_type} v{version} was published but its contract is gone: restore "
                    f"{_published_file_name(registry, event_type, version)} (a published version is never deleted)"
                )
                continue
            if contract.fingerprint != locked[event_type][version_key]:
                next_version = registry.latest_version(event_type) + 1
                problems.append(
                    f"{event_type} v{version} was edited after it was published "
                    f"({contract.path.relative_to(registry.directory)}): revert it and add v{next_version} instead"
                )
    problems.extend(
        f"{contract.event_type} v{contract.version} is a new version not frozen: run {FREEZE_COMMAND}"
        for contract in registry.all()
        if str(contract.version) not in locked.get(contract.event_type, {})
    )
    return problems


def _published_file_name(registry: ContractRegistry, event_type: str, version: int) -> str:
    try:
        is_latest = registry.latest_version(event_type) < version
    except UnknownContractError:
        is_latest = True
    return _file_name(event_type, None if is_latest else version)


def freeze_snapshot(registry: ContractRegistry, lock_path: Path) -> list[str]:
    """Add every (type, version) missing from the lock; never change an existing entry.

    Returns what was added, e.g. ``["billing.payment.completed v2"]``."""
    locked = read_lock(lock_path)
    added = []
    for contract in registry.all():
        versions = locked.setdefault(contract.event_type, {})
        if str(contract.version) not in versions:
            versions[str(contract.version)] = contract.fingerprint
            added.append(f"{contract.event_type} v{contract.version}")
    if added or not Path(lock_path).exists():
        _write_lock(lock_path, locked)
    return added


def _write_lock(lock_path: Path, locked: dict[str, dict[str, str]]) -> None:
    document = {
        "comment": (
            "sha256 of the canonical JSON of every published event contract version. Never edit or "
            f"remove an entry: add a new version of the contract and run {FREEZE_COMMAND}."
        ),
        "contracts": {
            event_type: {key: locked[event_type][key] for key in sorted(locked[event_type], key=int)}
            for event_type in sorted(locked)
        },
    }
    Path(lock_path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
