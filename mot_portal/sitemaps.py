"""The sitemap's shape: every public page in French and English (with hreflang alternates); drafts never appear.
Each app lists its own pages in ``<app>/sitemaps.py``; ``mot_portal.urls`` puts them together."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 5000  # × 2 languages per sitemap page


class StaticPagesSitemap(PortalSitemap):
    """The list pages (URL names)."""

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
