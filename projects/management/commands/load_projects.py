import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects.services import projects_content_load


class Command(BaseCommand):
    help = "Create the themes, factsheets and booklets named by the source documents (existing ones are kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=settings.BASE_DIR / "fixtures" / "content" / "projects.json", help="JSON file."
        )

    def handle(self, *args, path: Path, **options):
        try:
            created = projects_content_load(path=path)
        except (OSError, json.JSONDecodeError, KeyError, ValueError, ObjectDoesNotExist, ValidationError) as exc:
            # The load is one transaction: nothing was written.
            raise CommandError(f"Load stopped, nothing was changed: {path.name}: {exc!r}") from exc
        self.stdout.write(", ".join(f"{n} {kind} created" for kind, n in created.items()) + ".")
