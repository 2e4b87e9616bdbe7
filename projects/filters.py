"""Filters of factsheets, shared by the public list page and the API so both accept the same parameters."""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mot_portal.exports import selection
from mot_portal.filters import FacetFilterSet, ManyToManyCodeFilter, YearFilter
from projects.models import Factsheet, FactsheetTown, Theme
from projects.search import factsheets_search
from towns.models import Country, Department, Town

YEAR_MIN, YEAR_MAX = 1950, 2100


class FactsheetFilter(FacetFilterSet):
    """Every filter keeps one row per factsheet (sub-queries, no joins that would repeat rows).

    The relation filters name the path they follow (``field_name``: it documents their type in the API
    schema); their methods apply them.
    """

    search = django_filters.CharFilter(
        method="filter_search",
        max_length=100,
        label=_("Search"),
        help_text=_("Words in the factsheet, in French or English."),
    )
    country = ManyToManyCodeFilter(
        field_name="countries",
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Neighbouring country"),
        help_text=_("ISO alpha-2 code of a country the project spans, e.g. BE."),
    )
    theme = ManyToManyCodeFilter(
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        label=_("Theme"),
        help_text=_("Slug of a theme, e.g. health."),
    )
    department = django_filters.ModelChoiceFilter(
        field_name="town_roles__town__department",
        queryset=Department.objects.all(),
        to_field_name="code",
        method="filter_department",
        label=_("Department"),
        help_text=_("Department code of a town taking part, e.g. 54."),
    )
    town = django_filters.ModelChoiceFilter(
        field_name="town_roles__town",
        queryset=Town.objects.all(),
        to_field_name="insee_code",
        method="filter_town",
        label=_("Town"),
        help_text=_("INSEE code of a town taking part (with role: taking part in that role)."),
    )
    role = django_filters.ChoiceFilter(
        choices=FactsheetTown.Role.choices,
        method="filter_role",
        label=_("Role of the town"),
        help_text=_("partner or beneficiary: a town takes part in that role (the town given, if any)."),
    )
    year = YearFilter(
        method="filter_year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        label=_("Year"),
        help_text=_("A year the project was running (from its start year to its end year)."),
    )

    class Meta:
        model = Factsheet
        fields = ["search", "country", "theme", "department", "town", "role", "year"]

    def _role_with_town(self):
        return None if "role" in self.skipped else self.form.cleaned_data.get("role")

    def filter_search(self, queryset, name, value):
        return factsheets_search(queryset, value)

    def filter_department(self, queryset, name, value):
        return queryset.filter(pk__in=FactsheetTown.objects.filter(town__department=value).values("factsheet"))

    def filter_town(self, queryset, name, value):
        # With a role, the same town must hold it: both are applied together here.
        roles = FactsheetTown.objects.filter(town=value)
        if self._role_with_town():
            roles = roles.filter(role=self._role_with_town())
        return queryset.filter(pk__in=roles.values("factsheet"))

    def filter_role(self, queryset, name, value):
        if self.form.cleaned_data.get("town") and "town" not in self.skipped:
            return queryset  # applied with the town
        return queryset.filter(pk__in=FactsheetTown.objects.filter(role=value).values("factsheet"))

    def filter_year(self, queryset, name, value):
        year = int(value)
        running = Q(start_year__lte=year) & (Q(end_year__gte=year) | Q(end_year__isnull=True, start_year=year))
        return queryset.filter(running)


class FactsheetPageFilter(FactsheetFilter):
    """The public list: the same filters, plus sorting."""

    sort = django_filters.ChoiceFilter(
        choices=[
            ("relevance", _("Relevance (when searching)")),
            ("-published_at", _("Most recently published")),
            ("-start_year", _("Start year (latest first)")),
        ],
        method="filter_sort",
        empty_label=_("Title"),
        label=_("Sort by"),
    )

    class Meta(FactsheetFilter.Meta):
        fields = [*FactsheetFilter.Meta.fields, "sort"]

    API_ORDERING = {"-published_at": "-published_at", "-start_year": "-start_year"}

    def api_params(self) -> list[tuple[str, str]]:
        """The page's filters as the parameters of ``/api/v1/factsheets/`` (the same names; the order when the
        API has it)."""
        ordering = self.API_ORDERING.get(self.form.cleaned_data.get("sort") or "")
        return selection(self.data, FactsheetFilter.Meta.fields) + ([("ordering", ordering)] if ordering else [])

    def filter_sort(self, queryset, name, value):
        return queryset  # applied by ``sorted_qs`` once every filter (and the search rank) is in place

    def sorted_qs(self, title_field: str):
        sort = self.form.cleaned_data.get("sort") or ""
        queryset = self.qs
        if sort == "relevance" and self.form.cleaned_data.get("search"):
            return queryset.order_by(F("rank").desc(), title_field, "pk")
        if sort == "-published_at":
            return queryset.order_by(F("published_at").desc(nulls_last=True), title_field, "pk")
        if sort == "-start_year":
            return queryset.order_by(F("start_year").desc(nulls_last=True), title_field, "pk")
        return queryset.order_by(title_field, "pk")
