"""Rebuild ``static/maps/base.geojson`` (the base of the maps) from the shipped Natural Earth files."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from towns.mapbase import map_base_write

TARGET = Path(settings.BASE_DIR) / "static" / "maps" / "base.geojson"


class Command(BaseCommand):
    help = "Simplify France, its neighbours and the land borders into static/maps/base.geojson (commit the result)."

    def add_arguments(self, parser):
        parser.add_argument("--target", type=Path, default=TARGET, help="File to write (default: %(default)s).")

    def handle(self, *args, target: Path, **options):
        size = map_base_write(data_dir=settings.TOWNS_DATA_DIR, target=target)
        self.stdout.write(f"{target}: {size / 1024:.1f} KB")
