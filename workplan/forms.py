from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.selectors import ProgrammeFilters


class ProgrammeFilterForm(forms.Form):
    """The filters of the programme page; the choices come from the programme and its themes."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    axis = forms.ChoiceField(label=_("Axis"), required=False)
    deal = forms.TypedChoiceField(label=_("Cross-border Deal theme"), required=False, coerce=int, empty_value=None)
    transversal = forms.ChoiceField(label=_("Transversal theme"), required=False)
    token = forms.BooleanField(label=_("Only work under the tokens of the modular offer"), required=False)

    def __init__(self, *args, axes, deal_themes, transversal_themes, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["axis"].choices = everything + [(a.code, f"{a.code}. {a.text}") for a in axes]
        self.fields["deal"].choices = everything + [(t.number, f"{t.number}. {t.name}") for t in deal_themes]
        self.fields["transversal"].choices = everything + [(t.slug, t.name) for t in transversal_themes]

    def add_counts(self, facets: dict) -> None:
        """Show next to each choice how many entries it would give (the other filters kept)."""
        for name, key in (("axis", "axis"), ("deal", "deal"), ("transversal", "transversal")):
            field = self.fields[name]
            field.choices = [
                (value, label if value in ("", None) else f"{label} ({facets[key][value]})")
                for value, label in field.choices
            ]
        # Bound fields keep the label they were built with: set it on both.
        label = f"{self.fields['token'].label} ({facets['token']['token']})"
        self.fields["token"].label = self["token"].label = label

    def filters(self) -> ProgrammeFilters:
        """The filters that are valid: one bad value shows its error and leaves the others working."""
        self.is_valid()
        data = self.cleaned_data
        return ProgrammeFilters(
            axis=data.get("axis") or None,
            deal_theme=data.get("deal"),
            transversal_theme=data.get("transversal") or None,
            token=bool(data.get("token")),
            search=(data.get("q") or "").strip(),
        )


def activity_line_params(*, year: int, filters: ProgrammeFilters) -> list[tuple[str, str]]:
    """The programme page's filters as the parameters of ``/api/v1/activity-lines/``: the lines of the programme
    under the axis chosen, with the themes, token flag and words chosen."""
    params = [("programme", str(year))]
    if filters.axis:
        params.append(("code", filters.axis))
    if filters.deal_theme is not None:
        params.append(("deal_theme", str(filters.deal_theme)))
    if filters.transversal_theme:
        params.append(("transversal_theme", filters.transversal_theme))
    if filters.token:
        params.append(("is_token", "true"))
    if filters.search:
        params.append(("search", filters.search))
    return params
