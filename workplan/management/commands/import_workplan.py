from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workplan.models import Programme
from workplan.services import ProgrammeFileError, programme_import


class Command(BaseCommand):
    help = (
        "Import a MOT work programme file (tab-separated: code, text). Creates or updates the programme of "
        "the file's year; idempotent, keeps English translations, and writes nothing if the file is malformed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=settings.BASE_DIR / "fixtures" / "workplan" / "programme_2025.txt",
            help="The programme file.",
        )
        parser.add_argument(
            "--status",
            choices=Programme.Status.values,
            default=Programme.Status.DRAFT,
            help="Status of a programme this import creates (default: draft, to review before publishing; "
            "an existing programme keeps its status).",
        )

    def handle(self, *args, path: Path, status: str, **options):
        try:
            result = programme_import(path=path, status=status)
        except ProgrammeFileError as exc:
            raise CommandError(f"Import stopped, nothing was changed: {exc}") from exc
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in result.counts.items())
        self.stdout.write(
            f"Programme {result.programme.year}: {counts}; "
            f"{result.created} created, {result.updated} updated, {result.deleted} removed."
        )
