from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mot_portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `manage.py backup` into an empty database (migrated first) and the "
        "media storage; checks the files against the manifest before and the record counts after."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="A folder of var/backups/.")

    def handle(self, *args, folder: Path, **options):
        try:
            manifest = backup_restore(folder=folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        records = sum(manifest["database"]["counts"].values())
        self.stdout.write(f"Restored {records} records and {len(manifest['media'])} files from {folder}.")
