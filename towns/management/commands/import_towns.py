import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from towns.services import DataFileError, towns_import


class Command(BaseCommand):
    help = (
        "Load the open data (communes, EPCI, departments, regions, border distances, PVD laureates) "
        "from the fixtures folder. Idempotent and atomic: on a bad file nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=settings.TOWNS_DATA_DIR, help="Folder of the files.")
        parser.add_argument("--force", action="store_true", help="Load again even if the files are unchanged.")

    def handle(self, *args, data_dir: Path, force: bool, **options):
        started = time.perf_counter()
        try:
            result = towns_import(data_dir=data_dir, force=force)
        except DataFileError as exc:
            raise CommandError(f"Import stopped, nothing was changed: {exc}") from exc
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{count} {name}" for name, count in result.counts.items())
        if result.skipped:
            self.stdout.write(f"Town data already loaded ({summary}); nothing to do.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {summary} in {elapsed:.1f} s."))
