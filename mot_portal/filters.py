"""Filter machinery shared by the apps' list pages and API."""

import django_filters
from django import forms


class YearFilter(django_filters.NumberFilter):
    """A whole year: "2020.5" or "2020e0" is a field error, not a silent rounding."""

    field_class = forms.IntegerField


class FacetFilterSet(django_filters.FilterSet):
    """A FilterSet that can re-run its validated filters with some left out, to count facet values."""

    skipped: tuple[str, ...] = ()

    def qs_without(self, *names: str):
        """The filtered queryset with the filters ``names`` left out, reusing the validated values."""
        self.skipped = names
        try:
            queryset = self.queryset.all()
            for name, value in self.form.cleaned_data.items():
                if name not in names:
                    queryset = self.filters[name].filter(queryset, value)
            return queryset
        finally:
            self.skipped = ()
