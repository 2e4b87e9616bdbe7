"""The projects app's pages in the sitemap: published factsheets and booklets."""

from editorial.citations import content_date
from mot_portal.sitemaps import PortalSitemap
from projects.models import Booklet, Factsheet


class FactsheetSitemap(PortalSitemap):
    def items(self):
        fields = ("slug", "updated_at", "published_at", "first_published_on", "first_published_precision")
        return Factsheet.objects.published().only(*fields).order_by("slug")

    def lastmod(self, item):
        return content_date(item)


class BookletSitemap(PortalSitemap):
    def items(self):
        fields = ("slug", "published_at", "first_published_on", "first_published_precision")
        return Booklet.objects.published().only(*fields).order_by("slug")

    def lastmod(self, item):
        return content_date(item)


SITEMAPS = {"factsheets": FactsheetSitemap, "booklets": BookletSitemap}
