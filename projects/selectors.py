"""Reads of the projects app shared by pages, API, sitemap and feeds. Only published records unless asked."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

from projects.models import Booklet, BookletEntry, Factsheet, FactsheetPartner, FactsheetTown, Status, Theme
from towns.models import Country, Department, Town


def title_order(lang: str | None = None):
    """Sort key of titles in the active language, falling back to French where untranslated."""
    lang = lang or get_language() or settings.LANGUAGE_CODE
    if lang == settings.LANGUAGE_CODE:
        return F(f"title_{lang}").asc()
    return Coalesce(NullIf(f"title_{lang}", Value("")), "title_fr").asc()


def with_relations(queryset: QuerySet[Factsheet]) -> QuerySet[Factsheet]:
    """Everything a factsheet card, page or API record shows, in a constant number of queries."""
    return queryset.select_related("cross_border_area").prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        Prefetch("themes", queryset=Theme.objects.order_by("position", "slug")),
        Prefetch(
            "town_roles",
            queryset=FactsheetTown.objects.select_related("town__department").order_by("town__name", "role"),
        ),
        Prefetch(
            "partner_roles",
            queryset=FactsheetPartner.objects.select_related("partner__country").order_by("role", "partner__slug"),
        ),
    )


def factsheet_list(*, include_drafts: bool = False) -> QuerySet[Factsheet]:
    factsheets = Factsheet.objects.all() if include_drafts else Factsheet.objects.published()
    return with_relations(factsheets.defer("search_fr", "search_en"))


def factsheet_get(*, slug: str, include_drafts: bool = False) -> Factsheet:
    return factsheet_list(include_drafts=include_drafts).get(slug=slug)


def factsheet_booklets(*, factsheet: Factsheet) -> QuerySet[Booklet]:
    return Booklet.objects.published().filter(entries__factsheet=factsheet).order_by("-edition_date", "title")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facets:
    country: list[FacetValue] = field(default_factory=list)
    theme: list[FacetValue] = field(default_factory=list)
    department: list[FacetValue] = field(default_factory=list)
    town: list[FacetValue] = field(default_factory=list)
    role: list[FacetValue] = field(default_factory=list)
    year: list[FacetValue] = field(default_factory=list)


FACET_NAMES = ("country", "theme", "department", "town", "role", "year")


def factsheet_facets(*, filterset) -> Facets:
    """Counts per value of each facet, with every *other* filter applied (one query per facet).

    ``filterset`` is a valid FactsheetFilter; values with no factsheet are left out.
    """
    facets = Facets()

    def others(name: str) -> QuerySet:
        # Counting towns leaves out the role too: with a town, the role qualifies that town.
        names = (name, "role") if name == "town" else (name,)
        return filterset.qs_without(*names).order_by().values("pk")

    selected = {name: facet_value_code(filterset.form.cleaned_data.get(name)) for name in FACET_NAMES}

    countries = (
        Country.objects.filter(factsheets__in=others("country")).annotate(n=Count("factsheets")).order_by("code")
    )
    facets.country = [FacetValue(c.code, c.name, c.n, c.code == selected["country"]) for c in countries]
    themes = (
        Theme.objects.filter(factsheets__in=others("theme"))
        .annotate(n=Count("factsheets"))
        .order_by("position", "slug")
    )
    facets.theme = [FacetValue(t.slug, t.name, t.n, t.slug == selected["theme"]) for t in themes]
    departments = (
        Department.objects.filter(towns__factsheet_roles__factsheet__in=others("department"))
        .annotate(n=Count("towns__factsheet_roles__factsheet", distinct=True))
        .order_by("code")
    )
    facets.department = [
        FacetValue(d.code, f"{d.name} ({d.code})", d.n, d.code == selected["department"]) for d in departments
    ]
    towns = (
        Town.objects.filter(factsheet_roles__factsheet__in=others("town"))
        .annotate(n=Count("factsheet_roles__factsheet", distinct=True))
        .order_by("name", "insee_code")
    )
    facets.town = [FacetValue(t.insee_code, t.name, t.n, t.insee_code == selected["town"]) for t in towns]
    role_counts = dict(
        FactsheetTown.objects.filter(factsheet__in=others("role"))
        .exclude(role="")
        .values_list("role")
        .annotate(n=Count("factsheet", distinct=True))
    )
    facets.role = [
        FacetValue(value, str(label), role_counts[value], value == selected["role"])
        for value, label in FactsheetTown.Role.choices
        if value in role_counts
    ]
    year_counts: dict[int, int] = {}
    spans = Factsheet.objects.filter(pk__in=others("year"), start_year__isnull=False)
    for start, end in spans.values_list("start_year", "end_year"):
        for year in range(start, (end or start) + 1):
            year_counts[year] = year_counts.get(year, 0) + 1
    facets.year = [
        FacetValue(str(year), str(year), n, str(year) == selected["year"])
        for year, n in sorted(year_counts.items(), reverse=True)
    ]
    return facets


def active_filters(facets, names: tuple[str, ...]) -> list[dict]:
    """The selected facet values, for the removable filter chips of a list page."""
    return [{"name": name, "label": value.label} for name in names for value in getattr(facets, name) if value.selected]


def facet_value_code(value) -> str:
    if value in (None, ""):
        return ""
    for attribute in ("code", "slug", "insee_code"):
        if hasattr(value, attribute):
            return getattr(value, attribute)
    return str(int(value)) if isinstance(value, int | float) else str(value)


def facets_keep_selected(facets: Facets, cleaned_data: dict) -> None:
    """A selected value stays listed (with 0) when the other filters leave it no factsheet."""
    labels = {
        "country": lambda c: (c.code, c.name),
        "theme": lambda t: (t.slug, t.name),
        "department": lambda d: (d.code, f"{d.name} ({d.code})"),
        "town": lambda t: (t.insee_code, t.name),
        "role": lambda r: (r, str(FactsheetTown.Role(r).label)),
        "year": lambda y: (str(int(y)), str(int(y))),
    }
    for name, label in labels.items():
        value = cleaned_data.get(name)
        values = getattr(facets, name)
        if value in (None, "") or any(v.selected for v in values):
            continue
        code, text = label(value)
        for existing in values:
            existing.selected = existing.value == code
        if not any(v.selected for v in values):
            values.insert(0, FacetValue(code, text, 0, True))


def booklet_list() -> QuerySet[Booklet]:
    """Published booklets with the number of their published factsheets."""
    published = Q(entries__factsheet__status=Status.PUBLISHED)
    return Booklet.objects.published().annotate(factsheet_count=Count("entries", filter=published))


def booklet_get(*, slug: str, include_drafts: bool = False) -> Booklet:
    """A booklet with its published factsheets in order (with everything their cards show)."""
    booklets = Booklet.objects.all() if include_drafts else Booklet.objects.published()
    factsheets = Factsheet.objects.all() if include_drafts else Factsheet.objects.published()
    entries = BookletEntry.objects.filter(factsheet__in=factsheets.values("pk")).order_by("position", "pk")
    booklet = booklets.prefetch_related(Prefetch("entries", queryset=entries)).get(slug=slug)
    by_pk = {f.pk: f for f in with_relations(factsheets.filter(pk__in=[e.factsheet_id for e in booklet.entries.all()]))}
    booklet.ordered_factsheets = [by_pk[e.factsheet_id] for e in booklet.entries.all() if e.factsheet_id in by_pk]
    return booklet


def town_factsheets(*, town: Town) -> list[dict]:
    """The published factsheets a town takes part in, grouped by role (partner, beneficiary, then unknown)."""
    roles = (
        FactsheetTown.objects.filter(town=town, factsheet__status=Status.PUBLISHED)
        .select_related("factsheet")
        .order_by("factsheet__title_fr")
    )
    order = [value for value, _label in FactsheetTown.Role.choices] + [""]
    groups = {value: [] for value in order}
    for role in roles:
        groups[role.role].append(role.factsheet)
    return [{"role": value, "factsheets": groups[value]} for value in order if groups[value]]
