"""The URL configuration: the one module of ``mot_portal`` that names the domain apps (their pages, viewsets,
sitemaps and home-page figures), so that the base layer below it imports none of them."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from editorial.views import translation_dashboard
from missions import selectors as missions_selectors
from missions import sitemaps as missions_sitemaps
from missions.api import MissionMapView, MissionViewSet, RoadmapViewSet
from mot_portal import views
from mot_portal.api import router
from mot_portal.sitemaps import StaticPagesSitemap
from projects import selectors as projects_selectors
from projects import sitemaps as projects_sitemaps
from projects.api import BookletViewSet, FactsheetMapView, FactsheetViewSet, ThemeViewSet
from support import sitemaps as support_sitemaps
from support.api import ServiceViewSet
from towns import maps as towns_maps
from towns import selectors as towns_selectors
from towns import sitemaps as towns_sitemaps
from towns.api import (
    AreaMapView,
    CountryViewSet,
    CrossBorderAreaViewSet,
    DepartmentViewSet,
    IntercommunalityViewSet,
    LocalityMapView,
    LocalityViewSet,
    PartnerViewSet,
    TownMapView,
    TownViewSet,
)
from workplan import sitemaps as workplan_sitemaps
from workplan.api import ActivityLineViewSet, DealThemeViewSet, ProgrammeViewSet, TransversalThemeViewSet

router.register("towns", TownViewSet, basename="town")
router.register("intercommunalities", IntercommunalityViewSet, basename="intercommunality")
router.register("departments", DepartmentViewSet, basename="department")
router.register("countries", CountryViewSet, basename="country")
router.register("partners", PartnerViewSet, basename="partner")
router.register("cross-border-areas", CrossBorderAreaViewSet, basename="crossborderarea")
router.register("localities", LocalityViewSet, basename="locality")
router.register("factsheets", FactsheetViewSet, basename="factsheet")
router.register("booklets", BookletViewSet, basename="booklet")
router.register("themes", ThemeViewSet, basename="theme")
router.register("missions", MissionViewSet, basename="mission")
router.register("roadmaps", RoadmapViewSet, basename="roadmap")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("activity-lines", ActivityLineViewSet, basename="activityline")
router.register("deal-themes", DealThemeViewSet, basename="dealtheme")
router.register("transversal-themes", TransversalThemeViewSet, basename="transversaltheme")
router.register("services", ServiceViewSet, basename="service")

# The datasets of the data catalogue (page and DCAT), each the list of a viewset that exports (ExportMixin).
DATASETS = (
    ("town-list", TownViewSet),
    ("factsheet-list", FactsheetViewSet),
    ("mission-list", MissionViewSet),
    ("activityline-list", ActivityLineViewSet),
    ("locality-list", LocalityViewSet),
)

SITEMAPS = {
    "pages": StaticPagesSitemap,
    **projects_sitemaps.SITEMAPS,
    **missions_sitemaps.SITEMAPS,
    **workplan_sitemaps.SITEMAPS,
    **towns_sitemaps.SITEMAPS,
    **support_sitemaps.SITEMAPS,
}
HOME_FIGURES = (
    towns_selectors.home_figures,
    towns_maps.home_map,
    projects_selectors.home_figures,
    missions_selectors.home_figures,
)

admin.site.site_header = _("MOT border-towns portal")
admin.site.site_title = _("MOT portal admin")
admin.site.index_title = _("Content administration")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script as a file of its own (?script): the page has no inline script (CSP).
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # The map layers (GeoJSON, compact, cached like every anonymous read): mot_portal/maps_api.py.
    path("api/v1/map/towns/", TownMapView.as_view(), name="map-towns"),
    path("api/v1/map/factsheets/", FactsheetMapView.as_view(), name="map-factsheets"),
    path("api/v1/map/missions/", MissionMapView.as_view(), name="map-missions"),
    path("api/v1/map/areas/", AreaMapView.as_view(), name="map-areas"),
    path("api/v1/map/localities/", LocalityMapView.as_view(), name="map-localities"),
    path("api/v1/catalogue/", views.data_catalogue_dcat, {"datasets": DATASETS}, name="data-catalogue"),
    path("api/v1/", include(router.urls)),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
]

urlpatterns += i18n_patterns(
    path("", views.home, {"figures": HOME_FIGURES}, name="home"),
    path(_("data-and-credits/"), views.credits, name="credits"),
    path(_("data/"), views.data_catalogue, {"datasets": DATASETS}, name="data_catalogue"),
    path("", include("mot_portal.documents.urls")),
    path("", include("towns.urls")),
    path("", include("workplan.urls")),
    path("", include("projects.urls")),
    path("", include("missions.urls")),
    path("", include("support.urls")),
    # The admin's rich-text editor's own translations (its link dialog), added to the admin's by the widget.
    path(
        "admin/prose-editor/jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_prose_editor"]),
        name="prose_editor_jsi18n",
    ),
    # Before the admin's own URLs (its catch-all): the translation status and the history pages (editorial/urls.py).
    path("admin/translations/", admin.site.admin_view(translation_dashboard), name="translation_dashboard"),
    path("admin/", include("editorial.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler404 = views.not_found

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
