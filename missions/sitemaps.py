"""The missions app's pages in the sitemap: the published missions."""

from editorial.citations import content_date
from missions.models import Mission
from mot_portal.sitemaps import PortalSitemap


class MissionSitemap(PortalSitemap):
    def items(self):
        fields = ("slug", "updated_at", "published_at", "first_published_on", "first_published_precision")
        return Mission.objects.published().only(*fields).order_by("slug")

    def lastmod(self, item):
        return content_date(item)


SITEMAPS = {"missions": MissionSitemap}
