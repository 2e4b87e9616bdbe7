"""The workplan app's pages in the sitemap: the published work programmes."""

from editorial.citations import content_date
from mot_portal.sitemaps import PortalSitemap
from workplan.models import Programme


class ProgrammeSitemap(PortalSitemap):
    def items(self):
        fields = ("year", "first_published_on", "first_published_precision")
        return Programme.objects.published().only(*fields).order_by("year")

    def lastmod(self, item):
        return content_date(item)


SITEMAPS = {"programmes": ProgrammeSitemap}
