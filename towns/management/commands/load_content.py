from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from towns.services import DataFileError, content_load


class Command(BaseCommand):
    help = "Create the partners and cross-border areas named by the source documents (existing ones are kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=settings.BASE_DIR / "fixtures" / "content" / "towns.json", help="JSON file."
        )

    def handle(self, *args, path: Path, **options):
        try:
            created = content_load(path=path)
        except DataFileError as exc:
            raise CommandError(f"Load stopped, nothing was changed: {exc}") from exc
        if created:
            self.stdout.write(self.style.SUCCESS("Created " + ", ".join(f"{n} {k}" for k, n in created.items()) + "."))
        else:
            self.stdout.write("Partners and cross-border areas already loaded; nothing to do.")
