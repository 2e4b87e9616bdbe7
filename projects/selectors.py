"""Reads of the projects app shared by pages, API, sitemap and feeds. Only published records unless asked."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from mot_portal.facets import ChoiceFacet, RelatedFacet, YearSpanFacet
from mot_portal.publishing import Status
from projects.models import Booklet, BookletEntry, Factsheet, FactsheetPartner, FactsheetTown, Theme
from towns.models import Country, Department, Town


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


# The facets of the factsheets list (page and counts: mot_portal.facets.faceted_list, one query each).
FACETS = (
    RelatedFacet("country", Country, "factsheets", "code", label=lambda c: c.name, order=("code",)),
    RelatedFacet("theme", Theme, "factsheets", "slug", label=lambda t: t.name, order=("position", "slug")),
    RelatedFacet(
        "department",
        Department,
        "towns__factsheet_roles__factsheet",
        "code",
        label=lambda d: f"{d.name} ({d.code})",
        order=("code",),
        distinct=True,
    ),
    # Counting towns leaves out the role too: with a town, the role qualifies that town.
    RelatedFacet(
        "town",
        Town,
        "factsheet_roles__factsheet",
        "insee_code",
        label=lambda t: t.name,
        order=("name", "insee_code"),
        distinct=True,
        ignore=("role",),
    ),
    ChoiceFacet("role", FactsheetTown, "role", FactsheetTown.Role.choices, relation="factsheet"),
    YearSpanFacet("year", Factsheet, "start_year", "end_year"),
)


def home_figures() -> dict:
    """The home page's count of published factsheets (``factsheet_count``)."""
    return {"factsheet_count": Factsheet.objects.published().count()}


def booklet_list() -> QuerySet[Booklet]:
    """Published booklets with the number of their published factsheets."""
    published = Q(entries__factsheet__status=Status.PUBLISHED)
    return Booklet.objects.published().annotate(factsheet_count=Count("entries", filter=published))


def booklet_get(*, slug: str | None = None, pk: int | None = None, include_drafts: bool = False) -> Booklet:
    """A booklet (by slug or primary key) with its published factsheets in order, with everything their cards
    and PDF pages show."""
    booklets = Booklet.objects.all() if include_drafts else Booklet.objects.published()
    factsheets = Factsheet.objects.all() if include_drafts else Factsheet.objects.published()
    entries = BookletEntry.objects.filter(factsheet__in=factsheets.values("pk")).order_by("position", "pk")
    lookup = {"slug": slug} if pk is None else {"pk": pk}
    booklet = booklets.prefetch_related(Prefetch("entries", queryset=entries)).get(**lookup)
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
