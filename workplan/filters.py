import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mot_portal.filters import SearchFilter, YearFilter
from workplan.models import NODE_CODE_REGEX, DealTheme, Programme, TransversalTheme, WorkItem


class ProgrammeFilter(django_filters.FilterSet):
    year = YearFilter(min_value=2000, max_value=2100, label=_("Year"), help_text=_("Year of the programme, e.g. 2025."))

    class Meta:
        model = Programme
        fields = ["year"]


class ActivityLineFilter(django_filters.FilterSet):
    programme = YearFilter(
        field_name="programme__year",
        min_value=2000,
        max_value=2100,
        label=_("Programme"),
        help_text=_("Year of the programme, e.g. 2025."),
    )
    code = django_filters.CharFilter(
        method="filter_code",
        max_length=20,
        validators=[RegexValidator(NODE_CODE_REGEX, _("A code looks like 1, 1.1 or 1.1.1."))],
        label=_("Code"),
        help_text=_("Code of a node: its lines and those of the nodes below it (3.1 gives 3.1 and 3.1.x)."),
    )
    deal_theme = django_filters.ModelChoiceFilter(
        to_field_name="number",
        queryset=DealTheme.objects.all(),
        method="filter_deal_theme",
        label=_("Cross-border Deal theme"),
        help_text=_("Number of a Cross-border Deal theme the line, or a node above it, refers to."),
    )
    transversal_theme = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=TransversalTheme.objects.all(),
        method="filter_transversal_theme",
        label=_("Transversal theme"),
        help_text=_("Slug of a transversal theme the line, or a node above it, refers to."),
    )
    is_token = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_is_token",
        label=_("Token"),
        help_text=_("true: the lines under the tokens of the modular offer, by their own flag or a node's above."),
    )
    search = SearchFilter(fields=("text_fr", "text_en"), help_text=_("Words in the text of the line."))

    class Meta:
        model = WorkItem
        fields = ["programme", "code", "deal_theme", "transversal_theme", "is_token", "search"]

    def filter_code(self, queryset, name, value):
        return queryset.filter(Q(code=value) | Q(code__startswith=f"{value}."))

    # A line inherits what the nodes above it say, as on the programme page: the lines of a token action
    # fall under the tokens too. Lines sit at most three levels down (axis › sub-axis › action › line).
    ANCESTRY = ("", "parent__", "parent__parent__", "parent__parent__parent__")

    def _inherited(self, field: str, value) -> Q:
        condition = Q()
        for prefix in self.ANCESTRY:
            condition |= Q(**{f"{prefix}{field}": value})
        return condition

    def _filter_inherited(self, queryset, field: str, value):
        return queryset.filter(pk__in=WorkItem.objects.filter(self._inherited(field, value)).values("pk"))

    # The type hints tell the OpenAPI schema what the query parameter holds (a number, a slug).
    def filter_deal_theme(self, queryset, name, value: int):
        return self._filter_inherited(queryset, "deal_themes", value)

    def filter_transversal_theme(self, queryset, name, value: str):
        return self._filter_inherited(queryset, "transversal_themes", value)

    def filter_is_token(self, queryset, name, value):
        token = self._inherited("is_token", True)
        return queryset.filter(token) if value == "true" else queryset.exclude(token)
