"""``manage.py startcontext``: a context laid out the one way, registered, and green on its own tests.

The command writes into a scratch copy of the repository (``--root``), never into this tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from nlc.scaffold import ScaffoldError, context_names, is_placeholder, register, rendered_files, scaffold

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
# What a checkout holds besides the project: the virtualenv, caches, local databases.
NOT_THE_PROJECT = shutil.ignore_patterns(
    ".git", ".venv", "var", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "staticfiles", ".env"
)
LAYOUT = {
    "__init__.py",
    "README.md",
    "admin.py",
    "apps.py",
    "consumers.py",
    "data.py",
    "errors.py",
    "events.py",
    "models.py",
    "rules.py",
    "selectors.py",
    "serializers.py",
    "services.py",
    "tasks.py",
    "urls.py",
    "views.py",
    "providers/__init__.py",
    "providers/base.py",
    "management/__init__.py",
    "management/commands/__init__.py",
    "migrations/__init__.py",
    "migrations/0001_initial.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/factories.py",
    "tests/test_api.py",
    "tests/test_queries.py",
}
# The files of a context that waits for its capability, as the five empty ones are.
STUBS = {
    "__init__.py": "",
    "apps.py": 'from django.apps import AppConfig\n\n\nclass DemoConfig(AppConfig):\n    name = "contexts.demo"\n'
    '    label = "demo"\n    verbose_name = "Demo"\n',
    "models.py": '"""Models of the demo context; they arrive with the capability that needs them."""\n',
    "urls.py": 'app_name = "demo"\n\nurlpatterns: list = []\n',
    "README.md": "# demo context\n\nWhat it is for.\n",
    "migrations/__init__.py": "",
    "tests/__init__.py": "",
}


def _project(tmp_path: Path, *files: str) -> Path:
    """A root with just the files registration edits (copies of this project's)."""
    root = tmp_path / "project"
    for name in ("nlc/contexts.py", "pyproject.toml", *files):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    return root


def _contract_lists(pyproject: Path) -> list[list[str]]:
    contracts = tomllib.loads(pyproject.read_text())["tool"]["importlinter"]["contracts"]
    return [
        contract.get("modules") or contract["containers"]
        for contract in contracts
        if "contexts.auth" in (contract.get("modules") or contract.get("containers") or [])
    ]


def test_every_file_of_the_layout_is_rendered_with_no_placeholder_left():
    files = rendered_files("demo", "demo")
    assert set(files) == LAYOUT
    assert not [path for path, text in files.items() if "{{" in text or "}}" in text]


def test_a_new_name_is_registered_once_in_the_context_names_and_every_contract(tmp_path):
    # given
    root = _project(tmp_path)
    before = context_names((root / "nlc/contexts.py").read_text())
    # when registered twice
    assert register(root, "demo") == ["nlc/contexts.py", "pyproject.toml"]
    assert register(root, "demo") == []
    # then
    assert context_names((root / "nlc/contexts.py").read_text()) == (*before, "demo")
    lists = _contract_lists(root / "pyproject.toml")
    assert lists
    assert all(modules[-1] == "contexts.demo" and modules.count("contexts.demo") == 1 for modules in lists)


def test_an_empty_context_is_filled_in_and_keeps_its_readme(tmp_path):
    # given a context with stub files only, registered already
    root = _project(tmp_path)
    register(root, "demo")
    for relative, text in STUBS.items():
        (root / "contexts/demo" / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / "contexts/demo" / relative).write_text(text)
    # when
    outcome = scaffold(root, "demo")
    # then every file is written but the README, and nothing is registered again
    assert outcome.kept == ["contexts/demo/README.md"]
    assert outcome.registered == []
    unchanged = {"README.md", "__init__.py", "migrations/__init__.py", "tests/__init__.py"}
    assert set(outcome.written) == {f"contexts/demo/{path}" for path in LAYOUT - unchanged}
    assert (root / "contexts/demo/README.md").read_text() == STUBS["README.md"]
    assert 'label = "demo"' in (root / "contexts/demo/apps.py").read_text()


def test_a_file_that_holds_code_is_not_replaced_and_nothing_is_written(tmp_path):
    # given a context whose models.py holds a model already
    root = _project(tmp_path)
    register(root, "demo")
    models = root / "contexts/demo/models.py"
    models.parent.mkdir(parents=True)
    models.write_text("from django.db import models\n\n\nclass Thing(models.Model):\n    pass\n")
    # when / then
    with pytest.raises(ScaffoldError, match=r"contexts/demo/models\.py"):
        scaffold(root, "demo")
    assert sorted(path.name for path in models.parent.iterdir()) == ["models.py"]
    # and --force replaces it
    scaffold(root, "demo", force=True)
    assert "class Demo(TimeStampedModel):" in models.read_text()


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        ("", True),
        ('"""Models of the media context; they arrive with the capability that needs them."""\n', True),
        ('app_name = "media"\n\nurlpatterns: list = []\n', True),
        (STUBS["apps.py"], True),
        ('from django.urls import path\n\nurlpatterns = [path("x", view)]\n', False),
        ('class MediaError(Exception):\n    code = "media"\n', False),
        ("def f():\n    return 1\n", False),
    ],
)
def test_what_counts_as_a_file_that_declares_nothing(text, placeholder):
    assert is_placeholder(text) is placeholder


@pytest.mark.parametrize("name", ["Demo", "d", "admin", "accounts", "public", "pg_demo", "class", "demo-x", "1demo"])
def test_a_name_that_cannot_be_a_context_is_refused(tmp_path, name):
    root = _project(tmp_path, "manage.py")
    with pytest.raises(CommandError, match="cannot name a context"):
        call_command("startcontext", name, root=str(root), no_docs=True)
    assert not (root / "contexts").exists()
    assert (root / "nlc/contexts.py").read_text() == (ROOT / "nlc/contexts.py").read_text()


def _run(command: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["NLC_ENV"] = "test"
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.slow
def test_a_new_context_in_a_copy_of_the_repository_lints_and_passes_its_own_tests(tmp_path):
    if not settings.DATABASE_URL or not settings.BROKER_URL:
        pytest.skip("the generated tests need DATABASE_URL and BROKER_URL")
    # given a copy of the project
    root = tmp_path / "repo"
    shutil.copytree(ROOT, root, ignore=NOT_THE_PROJECT)
    # when
    call_command("startcontext", "demo", root=str(root))
    # then the layout is there, registered, and documented
    context = root / "contexts" / "demo"
    assert {path.relative_to(context).as_posix() for path in context.rglob("*") if path.is_file()} == LAYOUT
    assert "demo" in context_names((root / "nlc/contexts.py").read_text())
    assert all("contexts.demo" in modules for modules in _contract_lists(root / "pyproject.toml"))
    assert "/demo/demo/{demo_id}" in (root / "docs/openapi/demo.yaml").read_text()
    # and it passes the linters
    ruff = _run([str(BIN / "ruff"), "check", "contexts/demo"], root)
    assert ruff.returncode == 0, ruff.stdout
    formatted = _run([str(BIN / "ruff"), "format", "--check", "contexts/demo"], root)
    assert formatted.returncode == 0, formatted.stdout
    imports = _run([str(BIN / "lint-imports"), "--no-cache"], root)
    assert "contexts.demo" not in imports.stdout.partition("Broken contracts")[2], imports.stdout
    # and its migration is the one its models need
    migrations = _run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run", "demo"], root)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    # and its own tests pass (on a test database of their own, dropped at their end)
    tests = _run([sys.executable, "-m", "pytest", "-q", "-n", "0", "contexts/demo"], root)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert "10 passed" in tests.stdout
