from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from mot_portal.backup import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (dumpdata with natural keys: restores on SQLite or PostgreSQL) and the media storage "
        "(files or bucket) into a dated folder of var/backups/ (or --root). See mot_portal/backup.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--root", type=Path, default=Path(settings.VAR_DIR) / "backups", help="Parent folder.")

    def handle(self, *args, root: Path, **options):
        folder = backup_create(root=root)
        self.stdout.write(str(folder))
