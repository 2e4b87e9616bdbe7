"""The sitemap: every public page in French and English (with hreflang alternates); drafts never appear."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from missions.models import Mission
from projects.models import Booklet, Factsheet
from towns.models import CrossBorderArea, Partner, Town
from workplan.models import Programme


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 5000  # × 2 languages per sitemap page


class StaticPagesSitemap(PortalSitemap):
    def items(self):
        return [
            "home",
            "towns:town_list",
            "towns:partner_list",
            "towns:area_list",
            "projects:factsheet_list",
            "projects:booklet_list",
            "missions:mission_list",
            "workplan:theme_list",
            "credits",
        ]

    def location(self, item):
        return reverse(item)


class FactsheetSitemap(PortalSitemap):
    def items(self):
        return Factsheet.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at


class BookletSitemap(PortalSitemap):
    def items(self):
        return Booklet.objects.published().only("slug").order_by("slug")


class MissionSitemap(PortalSitemap):
    def items(self):
        return Mission.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at


class ProgrammeSitemap(PortalSitemap):
    def items(self):
        return Programme.objects.published().only("year").order_by("year")


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


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "factsheets": FactsheetSitemap,
    "booklets": BookletSitemap,
    "missions": MissionSitemap,
    "programmes": ProgrammeSitemap,
    "towns": PvdTownSitemap,
    "partners": PartnerSitemap,
    "areas": AreaSitemap,
}
