import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from towns.filters import SearchFilter
from workplan.models import NODE_CODE_REGEX, DealTheme, Programme, TransversalTheme, WorkItem


class ProgrammeFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        min_value=2000, max_value=2100, label=_("Year"), help_text=_("Year of the programme, e.g. 2025.")
    )

    class Meta:
        model = Programme
        fields = ["year"]


class ActivityLineFilter(django_filters.FilterSet):
    programme = django_filters.NumberFilter(
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
        field_name="deal_themes",
        to_field_name="number",
        queryset=DealTheme.objects.all(),
        label=_("Cross-border Deal theme"),
        help_text=_("Number of a Cross-border Deal theme the line refers to."),
    )
    transversal_theme = django_filters.ModelChoiceFilter(
        field_name="transversal_themes",
        to_field_name="slug",
        queryset=TransversalTheme.objects.all(),
        label=_("Transversal theme"),
        help_text=_("Slug of a transversal theme the line refers to."),
    )
    is_token = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_is_token",
        label=_("Token"),
        help_text=_("true: only the lines that fall under the tokens of the modular offer."),
    )
    search = SearchFilter(fields=("text_fr", "text_en"), help_text=_("Words in the text of the line."))

    class Meta:
        model = WorkItem
        fields = ["programme", "code", "deal_theme", "transversal_theme", "is_token", "search"]

    def filter_code(self, queryset, name, value):
        return queryset.filter(Q(code=value) | Q(code__startswith=f"{value}."))

    def filter_is_token(self, queryset, name, value):
        return queryset.filter(is_token=value == "true")
