"""The towns app's pages in the sitemap: PVD laureates, partners, cross-border areas."""

from mot_portal.sitemaps import PortalSitemap
from towns.models import CrossBorderArea, Partner, Town


class PvdTownSitemap(PortalSitemap):
    """PVD laureates (the portal's subject); the other communes are reached through them and the lists."""

    def items(self):
        return Town.objects.pvd().only("insee_code").order_by("insee_code")


class PartnerSitemap(PortalSitemap):
    def items(self):
        return Partner.objects.only("slug").order_by("slug")


class AreaSitemap(PortalSitemap):
    def items(self):
        return CrossBorderArea.objects.only("slug").order_by("slug")


SITEMAPS = {"towns": PvdTownSitemap, "partners": PartnerSitemap, "areas": AreaSitemap}
