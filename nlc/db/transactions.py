"""A context's database alias and an atomic block on it: ``with atomic("courses"): ...``.

The router already sends every query of a context's models to its alias, so plain ORM calls need
no ``.using()``; what the router cannot know is which alias a *transaction* belongs to, and the
event bus needs the publishing context's transaction (``publish()`` refuses any other). Services
therefore open their transactions here, by context name.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from nlc.db.router import alias_for_context


def alias_of(context: str) -> str:
    """The ``DATABASES`` alias of ``context`` in this process (``default`` for the home context)."""
    return alias_for_context(context)


def atomic(context: str, *, savepoint: bool = True) -> transaction.Atomic:
    """An atomic block on ``context``'s alias (a savepoint when one is already open)."""
    return transaction.atomic(using=alias_of(context), savepoint=savepoint)


def on_commit(context: str, callback: Callable[[], object], *, robust: bool = False) -> None:
    """Run ``callback`` once ``context``'s current transaction commits (at once outside one);
    ``robust`` logs a failing callback instead of raising it into the committed request."""
    transaction.on_commit(callback, using=alias_of(context), robust=robust)
