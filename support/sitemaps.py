"""The offer's pages in the sitemap: the offer, its published services, the programme, contact and legal pages."""

from django.urls import reverse

from mot_portal.sitemaps import PortalSitemap
from support.models import Service

PAGES = (
    "support:offer",
    "support:about_programme",
    "support:request",
    "support:contact",
    "support:legal_notice",
    "support:privacy",
    "support:accessibility",
)


class OfferPagesSitemap(PortalSitemap):
    def items(self):
        return list(PAGES)

    def location(self, item):
        return reverse(item)


class ServiceSitemap(PortalSitemap):
    def items(self):
        return Service.objects.published().only("slug", "updated_at").order_by("family", "position", "slug")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"offer": OfferPagesSitemap, "services": ServiceSitemap}
