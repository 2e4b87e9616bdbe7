"""The projects app's pages in the sitemap: published factsheets and booklets."""

from mot_portal.sitemaps import PortalSitemap
from projects.models import Booklet, Factsheet


class FactsheetSitemap(PortalSitemap):
    def items(self):
        return Factsheet.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at


class BookletSitemap(PortalSitemap):
    def items(self):
        return Booklet.objects.published().only("slug").order_by("slug")


SITEMAPS = {"factsheets": FactsheetSitemap, "booklets": BookletSitemap}
