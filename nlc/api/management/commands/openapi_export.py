from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nlc.api.schema import context_schema, render_yaml


class Command(BaseCommand):
    help = (
        "Write each enabled context's OpenAPI document to docs/openapi/<context>.yaml; "
        "with --check, write nothing and fail when a file is missing or stale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if a checked-in document is stale")
        parser.add_argument("--directory", default=str(settings.BASE_DIR / "docs" / "openapi"))

    def handle(self, *args, check=False, directory=None, **options):
        directory = Path(directory)
        stale = []
        for name in settings.NLC_CONTEXTS:
            target = directory / f"{name}.yaml"
            document = render_yaml(context_schema(name))
            if target.exists() and target.read_bytes() == document:
                continue
            if check:
                stale.append(str(target))
                continue
            directory.mkdir(parents=True, exist_ok=True)
            target.write_bytes(document)
            self.stdout.write(f"wrote {target}")
        if stale:
            raise CommandError(
                "OpenAPI documents are stale, run `manage.py openapi_export` and commit them: " + ", ".join(stale)
            )
