"""The page types of the portal checked for accessibility: one list, read by the accessibility statement (the
pages it says were tested) and by the browser test that runs axe on each of them (tests/browser/
test_accessibility.py), so the statement never lists a page the test does not check.

Each page type names a URL and, for a record's page, how to find one record of that kind to test (the first
published one). A page type whose URL name does not exist yet, or whose kind has no public record, is left out of
both.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# When this statement was drawn up (RGAA asks for the date; change it with the statement).
STATEMENT_DATE = datetime.date(2026, 12, 1)
# axe-core's version, as in the header of tests/browser/vendor/axe.min.js (the test checks they agree).
AXE_VERSION = "4.10.3"
# The widths the test renders each page at (CSS pixels): a desktop and a phone.
VIEWPORTS = (1280, 390)
BROWSER = "Chromium"


def _first(model_path: str, field: str, kwarg: str, **filters) -> Callable[[], dict | None]:
    def sample() -> dict | None:
        from django.apps import apps

        model = apps.get_model(model_path)
        records = model.objects.published() if hasattr(model.objects, "published") else model.objects.all()
        value = records.filter(**filters).order_by(field).values_list(field, flat=True).first()
        return {kwarg: value} if value is not None else None

    return sample


def _town() -> dict | None:
    from towns.models import Town

    town = Town.objects.pvd().order_by("border_distance_km", "insee_code").first() or Town.objects.first()
    return {"insee_code": town.insee_code} if town else None


def _intercommunality() -> dict | None:
    from towns.models import Town

    siren = (
        Town.objects.pvd()
        .filter(intercommunality__isnull=False)
        .order_by("border_distance_km", "insee_code")
        .values_list("intercommunality__siren", flat=True)
        .first()
    )
    return {"siren": siren} if siren else None


@dataclass(frozen=True)
class PageType:
    label: str
    url_name: str
    sample: Callable[[], dict | None] | None = None


PAGE_TYPES: tuple[PageType, ...] = (
    PageType(_("Home page"), "home"),
    PageType(_("List of towns"), "towns:town_list"),
    PageType(_("Town page"), "towns:town_detail", _town),
    PageType(_("Cross-border opportunity diagnostic of a town"), "towns:town_diagnostic", _town),
    PageType(_("Intercommunality page"), "towns:intercommunality_detail", _intercommunality),
    PageType(_("List of partners"), "towns:partner_list"),
    PageType(_("Partner page"), "towns:partner_detail", _first("towns.Partner", "slug", "slug")),
    PageType(_("List of cross-border areas"), "towns:area_list"),
    PageType(_("Cross-border area page"), "towns:area_detail", _first("towns.CrossBorderArea", "slug", "slug")),
    PageType(_("List of project factsheets"), "projects:factsheet_list"),
    PageType(_("Project factsheet"), "projects:factsheet_detail", _first("projects.Factsheet", "slug", "slug")),
    PageType(_("List of booklets"), "projects:booklet_list"),
    PageType(_("Booklet page"), "projects:booklet_detail", _first("projects.Booklet", "slug", "slug")),
    PageType(_("List of support missions"), "missions:mission_list"),
    PageType(_("Support mission page"), "missions:mission_detail", _first("missions.Mission", "slug", "slug")),
    PageType(_("Work programme"), "workplan:programme_latest"),
    PageType(_("Work programme themes"), "workplan:theme_list"),
    PageType(_("What the MOT offers"), "support:offer"),
    PageType(_("Service of the offer"), "support:service_detail", _first("support.Service", "slug", "slug")),
    PageType(_("About the programme"), "support:about_programme"),
    PageType(_("Support request form"), "support:request"),
    PageType(_("Contact"), "support:contact"),
    PageType(_("Legal notice"), "support:legal_notice"),
    PageType(_("Privacy policy"), "support:privacy"),
    PageType(_("Accessibility statement"), "support:accessibility"),
    PageType(_("Data and credits"), "credits"),
    PageType(_("Open data catalogue"), "data_catalogue"),
)


@dataclass(frozen=True)
class TestedPage:
    label: str
    url_name: str
    url: str


def tested_pages() -> list[TestedPage]:
    """The page types that exist, each with the address of one page of that type (in the active language)."""
    pages = []
    for page_type in PAGE_TYPES:
        kwargs = page_type.sample() if page_type.sample else {}
        if kwargs is None:
            continue
        try:
            url = reverse(page_type.url_name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        pages.append(TestedPage(str(page_type.label), page_type.url_name, url))
    return pages


def url_name_exists(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch as exc:
        return "is not a valid view function or pattern name" not in str(exc)  # it exists, with arguments
    return True


def page_type_labels() -> list[str]:
    """The labels of the page types whose URL exists (no database read): what the statement lists."""
    return [str(page_type.label) for page_type in PAGE_TYPES if url_name_exists(page_type.url_name)]
