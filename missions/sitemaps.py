"""The missions app's pages in the sitemap: the published missions."""

from missions.models import Mission
from mot_portal.sitemaps import PortalSitemap


class MissionSitemap(PortalSitemap):
    def items(self):
        return Mission.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"missions": MissionSitemap}
