"""The workplan app's pages in the sitemap: the published work programmes."""

from mot_portal.sitemaps import PortalSitemap
from workplan.models import Programme


class ProgrammeSitemap(PortalSitemap):
    def items(self):
        return Programme.objects.published().only("year").order_by("year")


SITEMAPS = {"programmes": ProgrammeSitemap}
