import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError

from missions.services import missions_content_load


class Command(BaseCommand):
    help = "Create the national programmes and support missions named by the source documents (existing ones are kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=settings.BASE_DIR / "fixtures" / "content" / "missions.json", help="JSON file."
        )

    def handle(self, *args, path: Path, **options):
        try:
            created = missions_content_load(path=path)
        except (OSError, json.JSONDecodeError, KeyError, ValueError, ObjectDoesNotExist, ValidationError) as exc:
            # The load is one transaction: nothing was written.
            raise CommandError(f"Load stopped, nothing was changed: {path.name}: {exc!r}") from exc
        self.stdout.write(", ".join(f"{n} {kind.replace('_', ' ')} created" for kind, n in created.items()) + ".")
