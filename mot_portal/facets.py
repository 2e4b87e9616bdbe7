"""Facet counts of list pages: for each value of a filter, how many records it would give with every *other*
filter kept. One query per facet, whatever the number of records; the apps declare their facets.

A facet whose value is selected keeps that value listed (with 0) when the other filters leave it no record, so
the visitor always sees, and can remove, what they chose.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Model, QuerySet

from mot_portal.cache import cached_per_version
from mot_portal.filters import title_order
from mot_portal.pagination import page_number


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


def facet_value_code(value) -> str:
    """The code a filter value is written with in a URL (a country's code, a theme's slug, a year…)."""
    if value in (None, ""):
        return ""
    for attribute in ("code", "slug", "insee_code"):
        if hasattr(value, attribute):
            return getattr(value, attribute)
    return str(int(value)) if isinstance(value, int | float) else str(value)


@dataclass(frozen=True)
class RelatedFacet:
    """Values are related records (countries, themes, towns…), counted through ``relation`` (the path from the
    related model to the faceted records, e.g. ``"factsheets"``)."""

    name: str
    model: type[Model]
    relation: str
    code: str
    label: Callable[[Model], str] = str
    order: tuple[str, ...] = ("pk",)
    distinct: bool = False
    ignore: tuple[str, ...] = ()  # other filters left out too when counting this one

    def counts(self, records: QuerySet) -> list[tuple[str, str, int]]:
        values = (
            self.model.objects.filter(**{f"{self.relation}__in": records})
            .annotate(n=Count(self.relation, distinct=self.distinct))
            .order_by(*self.order)
        )
        return [(getattr(value, self.code), self.label(value), value.n) for value in values]

    def describe(self, value) -> tuple[str, str]:
        return getattr(value, self.code), self.label(value)


@dataclass(frozen=True)
class ChoiceFacet:
    """Values are the choices of ``field`` on ``model`` (the faceted model itself, with ``relation="pk"``, or a
    row related to it, e.g. the role of a town in a factsheet with ``relation="factsheet"``); empty values are
    not counted."""

    name: str
    model: type[Model]
    field: str
    choices: Sequence[tuple[str, str]]
    relation: str = "pk"
    ignore: tuple[str, ...] = ()

    def counts(self, records: QuerySet) -> list[tuple[str, str, int]]:
        counts = dict(
            self.model.objects.filter(**{f"{self.relation}__in": records})
            .exclude(**{self.field: ""})
            .values_list(self.field)
            .annotate(n=Count(self.relation, distinct=True))
            .order_by()
        )
        return [(value, str(label), counts[value]) for value, label in self.choices if value in counts]

    def describe(self, value) -> tuple[str, str]:
        return value, str(dict(self.choices).get(value, value))


def year_span_counts(spans: Iterable[tuple[int | None, int | None]]) -> Counter[int]:
    """How many records cover each year, a record covering every year from its first to its last (its first
    only when it has no last)."""
    years: Counter[int] = Counter()
    for first, last in spans:
        if first is not None:
            years.update(range(first, (last or first) + 1))
    return years


@dataclass(frozen=True)
class YearSpanFacet:
    """Values are the years the records cover, latest first (see ``year_span_counts``)."""

    name: str
    model: type[Model]
    first: str
    last: str
    ignore: tuple[str, ...] = ()

    def counts(self, records: QuerySet) -> list[tuple[str, str, int]]:
        spans = self.model.objects.filter(pk__in=records).values_list(self.first, self.last)
        return [(str(year), str(year), n) for year, n in sorted(year_span_counts(spans).items(), reverse=True)]

    def describe(self, value) -> tuple[str, str]:
        year = str(int(value))
        return year, year


Facet = RelatedFacet | ChoiceFacet | YearSpanFacet


def facet_counts(*, filterset, facets: Sequence[Facet]) -> dict[str, list[FacetValue]]:
    """``{facet name: values}`` for a valid ``FacetFilterSet`` (one query per facet)."""
    cleaned = filterset.form.cleaned_data
    result: dict[str, list[FacetValue]] = {}
    for facet in facets:
        records = filterset.qs_without(facet.name, *facet.ignore).order_by().values("pk")
        chosen = cleaned.get(facet.name)
        selected = facet_value_code(chosen)
        values = [FacetValue(code, label, n, code == selected) for code, label, n in facet.counts(records)]
        if selected and not any(value.selected for value in values):
            code, label = facet.describe(chosen)
            values.insert(0, FacetValue(code, label, 0, True))
        result[facet.name] = values
    return result


def active_filters(facets: dict[str, list[FacetValue]]) -> list[dict]:
    """The selected facet values, for the removable filter chips of a list page."""
    return [
        {"name": name, "label": value.label} for name, values in facets.items() for value in values if value.selected
    ]


def faceted_list(request, *, filterset, facets: Sequence[Facet], page_size: int) -> dict:
    """The context of a list page with facets (factsheets, missions): the filter form, a page of the records in
    the order chosen (``filterset.sorted_qs``), the counts of each facet and the chips of the active filters. With
    an invalid filter, no record and no count, and the form says which parameter is wrong."""
    if filterset.is_valid():
        records = filterset.sorted_qs(title_order())
        # The counts depend on the filters only (not on the page or the order): once per content version of the
        # records and of the facets' models.
        filters = sorted((name, value) for name, value in request.GET.lists() if name not in ("page", "sort"))
        kinds = {filterset.queryset.model._meta.app_label, *(facet.model._meta.app_label for facet in facets)}
        counts = cached_per_version(
            f"facets:{type(filterset).__module__}.{type(filterset).__qualname__}:{filters!r}",
            kinds,
            lambda: facet_counts(filterset=filterset, facets=facets),
        )
    else:
        records = filterset.queryset.none()
        counts = {facet.name: [] for facet in facets}
    page = Paginator(records, page_size).get_page(page_number(request.GET.get("page")))
    return {"filter": filterset, "page": page, "facets": counts, "active_filters": active_filters(counts)}
