"""Print, as JSON, everything stored about a requester (an access request under the GDPR, art. 15)."""

from django.core.management.base import BaseCommand

from support.request_services import requester_data_json


class Command(BaseCommand):
    help = "Print as JSON every support request sent with an e-mail address (case-insensitive)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, action="append", help="The requester's address (repeatable).")

    def handle(self, *args, email: list[str], **options):
        self.stdout.write(requester_data_json(emails=email))
