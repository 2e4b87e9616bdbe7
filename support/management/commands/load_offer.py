import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from support.services import offer_content_load


class Command(BaseCommand):
    help = (
        "Create the services of the MOT's offer named by the sources and the retired mission addresses they "
        "replace (existing ones are kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=settings.BASE_DIR / "fixtures" / "content" / "offer.json", help="JSON file."
        )

    def handle(self, *args, path: Path, **options):
        try:
            created = offer_content_load(path=path)
        except (OSError, json.JSONDecodeError, KeyError, ValueError) as exc:
            # The load is one transaction: nothing was written.
            raise CommandError(f"Load stopped, nothing was changed: {path.name}: {exc}") from exc
        self.stdout.write(", ".join(f"{n} {kind.replace('_', ' ')} created" for kind, n in created.items()) + ".")
