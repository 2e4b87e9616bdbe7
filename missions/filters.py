"""Filters of missions, shared by the public list page and the API so both accept the same parameters."""

import django_filters
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from missions.models import Mission, NationalProgramme, Roadmap
from mot_portal.exports import selection
from mot_portal.filters import FacetFilterSet, ManyToManyCodeFilter, SearchFilter, YearFilter
from projects.models import Theme
from towns.models import Country, Town
from workplan.models import NODE_CODE_REGEX, WorkItem

YEAR_MIN, YEAR_MAX = 1990, 2100


def missions_covering_town(town: Town):
    """Missions covering the town itself, or the intercommunality it belongs to (as a sub-query of pks)."""
    condition = Q(towns=town)
    if town.intercommunality_id:
        condition |= Q(intercommunalities=town.intercommunality_id)
    return Mission.objects.filter(condition).values("pk")


class MissionFilter(FacetFilterSet):
    """Every filter keeps one row per mission (sub-queries, no joins that would repeat rows)."""

    search = SearchFilter(
        fields=("title_fr", "title_en", "summary_fr", "summary_en"),
        help_text=_("Words in the title or summary, in French or English."),
    )
    kind = django_filters.ChoiceFilter(
        choices=Mission.Kind.choices, label=_("Kind of mission"), help_text=_("Kind of mission, e.g. flash_mission.")
    )
    year = YearFilter(
        method="filter_year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        label=_("Year"),
        help_text=_("A year the mission covers (from its first to its last year)."),
    )
    country = ManyToManyCodeFilter(
        field_name="countries",
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Neighbouring country"),
        help_text=_("ISO alpha-2 code of a neighbouring country the mission concerns, e.g. LU."),
    )
    theme = ManyToManyCodeFilter(
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        label=_("Theme"),
        help_text=_("Slug of a theme, e.g. mobility."),
    )
    town = django_filters.ModelChoiceFilter(
        field_name="towns",
        queryset=Town.objects.all(),
        to_field_name="insee_code",
        method="filter_town",
        label=_("Town"),
        help_text=_("INSEE code of a town the mission covers, itself or through its intercommunality."),
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="national_programme",
        queryset=NationalProgramme.objects.all(),
        to_field_name="slug",
        label=_("National programme"),
        help_text=_("Slug of the national programme the mission serves, e.g. petites-villes-de-demain."),
    )
    workplan_action = django_filters.CharFilter(
        method="filter_workplan_action",
        max_length=20,
        validators=[RegexValidator(NODE_CODE_REGEX, _("A code looks like 1, 1.1 or 1.1.1."))],
        label=_("Work programme action"),
        help_text=_("Code of a work-programme action (e.g. 3.1.1), or of an axis or sub-axis to include its actions."),
    )
    # The mission's progress, under the parameter name the API has always had.
    status = django_filters.ChoiceFilter(
        field_name="progress",
        choices=Mission.Progress.choices,
        label=_("Progress"),
        help_text=_("Where the mission stands."),
    )

    class Meta:
        model = Mission
        fields = ["search", "kind", "year", "country", "theme", "town", "programme", "workplan_action", "status"]

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(first_year__lte=year, last_year__gte=year)

    def filter_town(self, queryset, name, value):
        return queryset.filter(pk__in=missions_covering_town(value))

    def filter_workplan_action(self, queryset, name, value):
        items = WorkItem.objects.filter(Q(code=value) | Q(code__startswith=f"{value}."), kind=WorkItem.Kind.ACTION)
        links = Mission.workplan_actions.through.objects.filter(workitem__in=items.values("pk"))
        return queryset.filter(pk__in=links.values("mission"))


class MissionPageFilter(MissionFilter):
    """The public list: the same filters, plus sorting."""

    sort = django_filters.ChoiceFilter(
        choices=[("title", _("Title")), ("-updated_at", _("Recently updated"))],
        method="filter_sort",
        empty_label=_("Most recent first"),
        label=_("Sort by"),
    )

    class Meta(MissionFilter.Meta):
        fields = [*MissionFilter.Meta.fields, "sort"]

    def api_params(self) -> list[tuple[str, str]]:
        """The page's filters as the parameters of ``/api/v1/missions/`` (the same names; the order when the API
        has it)."""
        ordering = [("ordering", "-updated_at")] if self.form.cleaned_data.get("sort") == "-updated_at" else []
        return selection(self.data, MissionFilter.Meta.fields) + ordering

    def filter_sort(self, queryset, name, value):
        return queryset  # applied by ``sorted_qs``

    def sorted_qs(self, title_field):
        sort = self.form.cleaned_data.get("sort") or ""
        if sort == "title":
            return self.qs.order_by(title_field, "pk")
        if sort == "-updated_at":
            return self.qs.order_by("-updated_at", "pk")
        return self.qs.order_by(
            F("last_year").desc(nulls_last=True), F("first_year").desc(nulls_last=True), title_field, "pk"
        )


class RoadmapFilter(django_filters.FilterSet):
    mission = django_filters.CharFilter(
        field_name="mission__slug", max_length=120, label=_("Mission"), help_text=_("Slug of the mission.")
    )

    class Meta:
        model = Roadmap
        fields = ["mission"]
