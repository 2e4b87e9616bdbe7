"""Delete the closed support requests whose retention period (SUPPORT_REQUEST_RETENTION_DAYS) is over."""

from django.conf import settings
from django.core.management.base import BaseCommand

from support.request_services import support_requests_purge


class Command(BaseCommand):
    help = "Delete closed support requests closed more than SUPPORT_REQUEST_RETENTION_DAYS ago (personal data)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the requests that would go; delete none.")

    def handle(self, *args, dry_run: bool = False, **options):
        count = support_requests_purge(dry_run=dry_run)
        days = settings.SUPPORT_REQUEST_RETENTION_DAYS
        if dry_run:
            self.stdout.write(f"{count} closed support requests older than {days} days would be deleted (dry run).")
        else:
            self.stdout.write(f"{count} closed support requests older than {days} days deleted.")
