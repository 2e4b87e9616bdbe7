"""RSS feed of the latest published factsheets, in the language of the URL."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editorial.citations import publication_datetime
from mot_portal.sanitize import sanitize_html
from projects.models import Factsheet

FEED_SIZE = 30


class LatestFactsheetsFeed(Feed):
    title = _("MOT border-towns portal: project factsheets")
    description = _("Cross-border project factsheets most recently published by the MOT.")

    def link(self):
        return reverse("projects:factsheet_list")

    def items(self):
        return Factsheet.objects.published().defer("search_fr", "search_en").order_by("-published_at", "pk")[:FEED_SIZE]

    def item_title(self, item: Factsheet) -> str:
        return item.title

    def item_description(self, item: Factsheet) -> str:
        return sanitize_html(item.summary) or ""

    def item_pubdate(self, item: Factsheet):
        # The original publication of the factsheet's document (March 2021), not the day it was loaded.
        return publication_datetime(item)

    def item_updateddate(self, item: Factsheet):
        return item.updated_at
