"""Lay out a bounded context the way docs/contexts.md describes (``manage.py startcontext``).

The templates under ``context/`` mirror the files of a context; ``{{name}}``-style placeholders
are filled from :func:`placeholders`. A new name is also registered where the project derives
everything from (``CONTEXT_NAMES`` in nlc/contexts.py: app, alias, schema, role, URL prefix) and
in the import-linter contracts of pyproject.toml that list every context.

Plain file work on a project root given by the caller, so it can lay out a scratch copy; it
imports no context.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "context"
SUFFIX = ".tpl"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
# App labels of the installed framework apps, aliases, PostgreSQL's own schemas, and the gateway's
# own URL prefixes: a context may be named none of them.
RESERVED_NAMES = frozenset(
    {
        "accounts",
        "admin",
        "api",
        "contenttypes",
        "corsheaders",
        "default",
        "django_prometheus",
        "docs",
        "drf_spectacular",
        "health",
        "information_schema",
        "messages",
        "metrics",
        "nlc",
        "nlc_events",
        "public",
        "ready",
        "rest_framework",
        "sessions",
        "static",
        "staticfiles",
        "token_blacklist",
    }
)
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class ScaffoldError(Exception):
    """The context cannot be laid out as asked; nothing was written."""


@dataclass
class Outcome:
    """What a run did, relative to the project root."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)


def name_check(name: str) -> None:
    if not NAME_PATTERN.match(name) or keyword.iskeyword(name) or name in RESERVED_NAMES or name.startswith("pg_"):
        raise ScaffoldError(
            f"{name!r} cannot name a context: lower case letters, digits and underscores, 2 to 31 characters, "
            "starting with a letter, and not a reserved name (an app label, alias, schema or URL prefix)"
        )


def entity_default(name: str) -> str:
    """The example entity of a context: its name in the singular, naively (``leads`` -> ``lead``)."""
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def placeholders(name: str, entity: str) -> dict[str, str]:
    entity_class = "".join(part.capitalize() for part in entity.split("_"))
    route = name.replace("_", "-") if entity == entity_default(name) else f"{entity.replace('_', '-')}s"
    return {
        "name": name,
        # config/settings.py derives the AppConfig's class name from the context's name this way.
        "AppConfig": f"{name.capitalize()}Config",
        "Verbose": name.replace("_", " ").capitalize(),
        "entity": entity,
        "Entity": entity_class,
        "entity_words": entity.replace("_", " "),
        "entity_kebab": entity.replace("_", "-"),
        "entityCamel": entity_class[0].lower() + entity_class[1:],
        "ENTITY": entity.upper(),
        "route": route,
    }


def render(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def rendered_files(name: str, entity: str) -> dict[str, str]:
    """Every file of the context, by its path inside ``contexts/<name>/``."""
    values = placeholders(name, entity)
    return {
        template.relative_to(TEMPLATES).as_posix().removesuffix(SUFFIX): render(template.read_text(), values)
        for template in sorted(TEMPLATES.rglob(f"*{SUFFIX}"))
    }


def is_placeholder(text: str) -> bool:
    """True for a file that declares nothing yet, as the contexts waiting for their capability have:
    empty, a docstring, imports, constant settings (``app_name``, an empty ``urlpatterns``), and an
    AppConfig of constants only."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    return all(_declares_nothing(node) for node in tree.body)


def _declares_nothing(node: ast.stmt) -> bool:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return True
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Constant)
    if isinstance(node, ast.Assign | ast.AnnAssign):
        value = node.value
        return value is None or isinstance(value, ast.Constant) or (isinstance(value, ast.List) and not value.elts)
    if isinstance(node, ast.ClassDef):
        bases = {base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases}
        return bases == {"AppConfig"} and all(
            isinstance(item, ast.Assign | ast.Expr) and isinstance(item.value, ast.Constant) for item in node.body
        )
    return False


def scaffold(root: Path, name: str, *, entity: str | None = None, force: bool = False) -> Outcome:
    """Write ``contexts/<name>/`` under ``root`` and register a new name.

    An existing file is replaced only when it declares nothing yet (:func:`is_placeholder`) or with
    ``force``; otherwise nothing at all is written. An existing README.md is kept (it says what the
    context is for): compare it with the skeleton's sections. Existing migrations are kept too.
    """
    name_check(name)
    entity = entity or entity_default(name)
    if not re.match(r"^[a-z][a-z0-9_]*$", entity) or keyword.iskeyword(entity):
        raise ScaffoldError(f"{entity!r} cannot name an entity: snake_case, starting with a letter")
    target = root / "contexts" / name
    files = rendered_files(name, entity)
    outcome = Outcome()
    migrated = sorted((target / "migrations").glob("0*.py"))
    plan: dict[Path, str] = {}
    conflicts = []
    for relative, text in files.items():
        path = target / relative
        if relative.startswith("migrations/0") and migrated:
            outcome.kept.append(_shown(root, migrated[0].parent))
            continue
        existing = path.read_text() if path.exists() else None
        if existing == text:
            continue
        if existing is None or not existing.strip() or force or (path.suffix == ".py" and is_placeholder(existing)):
            plan[path] = text
        elif relative == "README.md":
            outcome.kept.append(_shown(root, path))
        else:
            conflicts.append(_shown(root, path))
    if conflicts:
        raise ScaffoldError("these files already hold code (pass --force to replace them): " + ", ".join(conflicts))
    for path, text in plan.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        outcome.written.append(_shown(root, path))
    outcome.registered = register(root, name)
    return outcome


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


# --- Registration --------------------------------------------------------------------------------


def register(root: Path, name: str) -> list[str]:
    """Add ``name`` to CONTEXT_NAMES and to every import-linter list of all contexts; the files
    changed (none when it is registered already)."""
    changed = []
    contexts_py = root / "nlc" / "contexts.py"
    text = contexts_py.read_text()
    if name not in context_names(text):
        contexts_py.write_text(_tuple_append(text, name))
        changed.append("nlc/contexts.py")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    updated = _contracts_append(text, f"contexts.{name}")
    if updated != text:
        pyproject.write_text(updated)
        changed.append("pyproject.toml")
    return changed


def context_names(contexts_py: str) -> tuple[str, ...]:
    for node in ast.parse(contexts_py).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            named = any(isinstance(target, ast.Name) and target.id == "CONTEXT_NAMES" for target in targets)
            if named and node.value is not None:
                return tuple(ast.literal_eval(node.value))
    raise ScaffoldError("nlc/contexts.py declares no CONTEXT_NAMES")


def _tuple_append(text: str, name: str) -> str:
    match = re.search(r"^CONTEXT_NAMES\b[^=]*= \((?P<body>.*?)^\)", text, flags=re.MULTILINE | re.DOTALL)
    if match is None:
        raise ScaffoldError("CONTEXT_NAMES in nlc/contexts.py is not a tuple written one name a line")
    end = match.end("body")
    return f'{text[:end]}    "{name}",\n{text[end:]}'


def _contracts_append(text: str, module: str) -> str:
    """Append ``module`` to each TOML list, written one module a line, that names every context."""

    def extend(match: re.Match) -> str:
        body = match.group("body")
        if f'"{module}"' in body or '"contexts.auth"' not in body:
            return match.group(0)
        return f'{match.group("head")}{body}    "{module}",\n{match.group("tail")}'

    return re.sub(
        r'(?P<head>^(?:modules|containers) = \[\n)(?P<body>(?:    "[\w.]+",\n)+)(?P<tail>\])',
        extend,
        text,
        flags=re.MULTILINE,
    )
