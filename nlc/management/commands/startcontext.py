"""``manage.py startcontext <name>``: a bounded context laid out as docs/contexts.md describes.

For one of the contexts that wait for their capability (a stub apps.py, models.py, urls.py) it fills
the files in; for a new name it also registers the context (nlc/contexts.py, the import-linter
contracts), from which settings derive its app, alias, schema, role and URL prefix. Then it writes
the OpenAPI and AsyncAPI documents again, which now name the context.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nlc.scaffold import ScaffoldError, scaffold


class Command(BaseCommand):
    help = "Lay out contexts/<name>/ (views, selectors, services, errors, providers, tests, ...) and register it."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the context's name: its app label, alias, schema and URL prefix")
        parser.add_argument("--entity", help="the example model's name in snake_case (default: the name, singular)")
        parser.add_argument("--force", action="store_true", help="replace files that already hold code")
        parser.add_argument("--root", default=str(settings.BASE_DIR), help="the project to write into")
        parser.add_argument(
            "--no-docs", action="store_true", help="do not write docs/openapi/<name>.yaml and docs/asyncapi.yaml"
        )

    def handle(self, *args, name, entity=None, force=False, root=None, no_docs=False, **options):
        root = Path(root).resolve()
        if not (root / "manage.py").is_file() or not (root / "nlc" / "contexts.py").is_file():
            raise CommandError(f"{root} is not the project's root (no manage.py, no nlc/contexts.py)")
        try:
            outcome = scaffold(root, name, entity=entity, force=force)
        except ScaffoldError as error:
            raise CommandError(str(error)) from error
        for path in outcome.written:
            self.stdout.write(f"wrote {path}")
        for path in outcome.kept:
            self.stdout.write(f"kept {path} (compare it with the skeleton in nlc/scaffold/context/)")
        for path in outcome.registered:
            self.stdout.write(f"registered {name} in {path}")
        if not no_docs:
            self._documents(root, name)
        self.stdout.write(
            f"contexts/{name} is ready: fill in README.md, then run its tests "
            f"(pytest -n 0 contexts/{name}) and lint-imports."
        )

    def _documents(self, root: Path, name: str) -> None:
        """docs/openapi/<name>.yaml (the other contexts' documents are left as they are) and
        docs/asyncapi.yaml, written by a fresh process: this one read its settings before the context
        existed."""
        with tempfile.TemporaryDirectory() as directory:
            self._manage(root, ["openapi_export", "--directory", directory])
            target = root / "docs" / "openapi" / f"{name}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(directory) / f"{name}.yaml", target)
        self.stdout.write(f"wrote {target.relative_to(root).as_posix()}")
        self._manage(root, ["events", "asyncapi"])
        self.stdout.write("wrote docs/asyncapi.yaml")

    def _manage(self, root: Path, command: list[str]) -> None:
        result = subprocess.run(  # noqa: S603 - our own manage.py, with this interpreter
            [sys.executable, str(root / "manage.py"), *command],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise CommandError(f"manage.py {' '.join(command)} failed:\n{result.stderr[-2000:]}")
