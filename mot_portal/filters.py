"""Filter machinery shared by the apps' list pages and API."""

import django_filters
from django import forms
from django.conf import settings
from django.core.validators import EMPTY_VALUES
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class YearFilter(django_filters.NumberFilter):
    """A whole year: "2020.5" or "2020e0" is a field error, not a silent rounding."""

    field_class = forms.IntegerField


class SearchFilter(django_filters.CharFilter):
    """Free-text search; a CharField form field, so NUL bytes and over-long input are field errors."""

    def __init__(self, *args, fields: tuple[str, ...], **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, method=self.search, **kwargs)
        self.search_fields = fields

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            lookup = "exact" if field.startswith("=") else "icontains"
            condition |= Q(**{f"{field.lstrip('=')}__{lookup}": value})
        return queryset.filter(condition)


class ManyToManyCodeFilter(django_filters.ModelChoiceFilter):
    """A related record given by its code (``to_field_name``), through the many-to-many relation ``field_name``:
    a sub-query on the relation's table, so that each record stays one row (no join repeats it)."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        relation = qs.model._meta.get_field(self.field_name)
        links = relation.remote_field.through.objects.filter(**{relation.m2m_reverse_field_name(): value})
        return qs.filter(pk__in=links.values(relation.m2m_field_name()))


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


def title_order(lang: str | None = None):
    """Sort key of titles in the active language, falling back to French where untranslated."""
    lang = lang or get_language() or settings.LANGUAGE_CODE
    if lang == settings.LANGUAGE_CODE:
        return F(f"title_{lang}").asc()
    return Coalesce(NullIf(f"title_{lang}", Value("")), "title_fr").asc()
