"""FilterSets shared by the public pages and the API, so both accept the same parameters."""

import re
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import ExpressionWrapper, F, FloatField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from mot_portal.exports import selection
from mot_portal.filters import SearchFilter
from mot_portal.widgets import fast_selects
from towns.models import Country, CrossBorderArea, Department, Intercommunality, Locality, Partner, Region, Town
from towns.search import towns_matching

NEAR = re.compile(r"^([A-Za-z]{2}):(\d{1,5}(?:[.,]\d{1,3})?)$")


class NearField(forms.CharField):
    """``<country>:<km>`` (``CH:20``) → (``"CH"``, ``Decimal("20")``)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = NEAR.match(value.strip())
        if not match:
            raise ValidationError(
                _("Give a country code and a distance in km, e.g. CH:20."), code="invalid", params={"value": value}
            )
        return match[1].upper(), Decimal(match[2].replace(",", "."))  # the pattern admits only numbers


class NearFilter(django_filters.CharFilter):
    """Towns within a distance of the land border with one country, whatever their nearest border is."""

    field_class = NearField

    def filter(self, qs, value):
        if not value:
            return qs
        code, km = value  # the code is two letters (NearField): safe in a lookup name
        return qs.filter(**{f"border_distances__{code}__lte": float(km)})


class TownSearchFilter(SearchFilter):
    """Name or postal code, ignoring accents, case, hyphens and apostrophes (``towns.search``); or the INSEE code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, fields=(), **kwargs)

    def search(self, queryset, name, value):
        return towns_matching(queryset, value)


class TownFilterBase(django_filters.FilterSet):
    """The filters the towns page and the towns API share."""

    search = TownSearchFilter(
        help_text=_(
            "Name (or part of it) or postal code, whatever the accents, capitals, hyphens and apostrophes; or the "
            "INSEE code. Without another ordering, the best matches come first, PVD laureates before the others."
        ),
    )
    border_country = django_filters.ModelChoiceFilter(
        field_name="border_country",
        to_field_name="code",
        queryset=Country.objects.filter(borders_france=True),
        label=_("Neighbouring country"),
        empty_label=_("All"),
        help_text=_("ISO alpha-2 code of the nearest neighbouring country, e.g. BE."),
    )
    max_border_distance = django_filters.NumberFilter(
        field_name="border_distance_km",
        lookup_expr="lte",
        min_value=Decimal(0),
        max_value=Decimal(20000),
        label=_("Maximum distance to the border (km)"),
        help_text=_("Keep towns at most this many km from a land border."),
    )
    near = NearFilter(
        label=_("Near a border"),
        help_text=_(
            "<country>:<km>: within this many km of the land border with that country (ISO alpha-2), whatever "
            "the nearest border is, e.g. CH:20."
        ),
    )
    department = django_filters.ModelChoiceFilter(
        field_name="department",
        to_field_name="code",
        queryset=Department.objects.all(),
        label=_("Department"),
        empty_label=_("All"),
        help_text=_("Department code, e.g. 57."),
    )
    region = django_filters.ModelChoiceFilter(
        field_name="department__region",
        to_field_name="code",
        queryset=Region.objects.all(),
        label=_("Region"),
        empty_label=_("All"),
        help_text=_("Region code, e.g. 44."),
    )

    class Meta:
        model = Town
        fields = ["search", "border_country", "max_border_distance", "near", "department", "region"]


class TownFilter(TownFilterBase):
    """Filters of ``/api/v1/towns/``."""

    is_pvd = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_is_pvd",
        label=_("PVD laureate"),
        help_text=_("true: only Petites villes de demain laureates; false: only the others."),
    )
    epci = django_filters.ModelChoiceFilter(
        field_name="intercommunality",
        to_field_name="siren",
        queryset=Intercommunality.objects.all(),
        label=_("Intercommunality"),
        help_text=_("SIREN of the intercommunality."),
    )

    class Meta(TownFilterBase.Meta):
        fields = ["search", "is_pvd", "border_country", "max_border_distance", "near", "department", "region", "epci"]

    def filter_is_pvd(self, queryset, name, value):
        return queryset.pvd() if value == "true" else queryset.not_pvd()


class IntercommunalityFilter(django_filters.FilterSet):
    search = SearchFilter(fields=("name", "=siren"), help_text=_("Part of the name, or the SIREN."))
    kind = django_filters.ChoiceFilter(choices=Intercommunality.Kind.choices, label=_("Type"))
    department = django_filters.ModelChoiceFilter(
        field_name="towns__department",
        to_field_name="code",
        queryset=Department.objects.all(),
        distinct=True,
        label=_("Department"),
        help_text=_("Department code of at least one member commune."),
    )

    class Meta:
        model = Intercommunality
        fields = ["search", "kind", "department"]


class PartnerFilter(django_filters.FilterSet):
    search = SearchFilter(fields=("name_fr", "name_en"), help_text=_("Part of the name."))
    country = django_filters.ModelChoiceFilter(
        field_name="country",
        to_field_name="code",
        queryset=Country.objects.all(),
        label=_("Country"),
        help_text=_("ISO alpha-2 code of the partner's country."),
    )
    competence_level = django_filters.ChoiceFilter(choices=Partner.CompetenceLevel.choices, label=_("Competence level"))
    town = django_filters.ModelChoiceFilter(
        field_name="towns",
        to_field_name="insee_code",
        queryset=Town.objects.all(),
        label=_("Town"),
        help_text=_("INSEE code of a town the partner works with."),
    )

    class Meta:
        model = Partner
        fields = ["search", "country", "competence_level", "town"]


class CrossBorderAreaFilter(django_filters.FilterSet):
    search = SearchFilter(fields=("name_fr", "name_en"), help_text=_("Part of the name."))
    country = django_filters.ModelChoiceFilter(
        field_name="countries",
        to_field_name="code",
        queryset=Country.objects.all(),
        label=_("Country"),
        help_text=_("ISO alpha-2 code of a country the area spans."),
    )
    town = django_filters.CharFilter(
        field_name="towns__insee_code",
        max_length=5,
        distinct=True,
        label=_("Member town"),
        help_text=_("INSEE code of a member town: the areas it belongs to."),
    )

    class Meta:
        model = CrossBorderArea
        fields = ["search", "country", "town"]


POINT = re.compile(r"^(-?\d{1,2}(?:\.\d{1,6})?),(-?\d{1,3}(?:\.\d{1,6})?),(\d{1,3}(?:\.\d{1,3})?)$")


class PointField(forms.CharField):
    """``<latitude>,<longitude>,<km>`` (``50.14,4.83,10``) → three floats, in range."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = POINT.match(value.strip())
        if match:
            lat, lon, km = (float(v) for v in match.groups())
            if -90 <= lat <= 90 and -180 <= lon <= 180 and 0 < km <= 100:
                return lat, lon, km
        raise ValidationError(
            _("Give a latitude, a longitude and a distance of at most 100 km, e.g. 50.14,4.83,10."), code="invalid"
        )


class LocalityNearFilter(django_filters.CharFilter):
    """Localities within a distance of a point, on an equirectangular approximation computed in SQL (under 0.5 %
    off the geodesic distance at these scales: a place a few metres from the limit may fall either side)."""

    field_class = PointField

    def filter(self, qs, value):
        if not value:
            return qs
        import math

        lat, lon, km = value
        ky = 110.574
        kx = 111.320 * math.cos(math.radians(lat))
        # In floating point on every database (numeric minus float has no operator of its own on PostgreSQL).
        dy = (Cast("latitude", FloatField()) - lat) * ky
        dx = (Cast("longitude", FloatField()) - lon) * kx
        box = km / ky, km / max(kx, 1e-6)
        return (
            qs.filter(
                latitude__gte=lat - box[0],
                latitude__lte=lat + box[0],
                longitude__gte=lon - box[1],
                longitude__lte=lon + box[1],
            )
            .alias(near_d2=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField()))
            .filter(near_d2__lte=km * km)
        )


class LocalityFilter(django_filters.FilterSet):
    search = SearchFilter(fields=("name", "admin1", "admin2"), help_text=_("Part of the name or of an admin area."))
    country = django_filters.ModelChoiceFilter(
        field_name="country",
        to_field_name="code",
        queryset=Country.objects.filter(borders_france=True),
        label=_("Country"),
        help_text=_("ISO alpha-2 code of the locality's country, e.g. BE."),
    )
    max_border_distance = django_filters.NumberFilter(
        field_name="border_distance_km",
        lookup_expr="lte",
        min_value=Decimal(0),
        max_value=Decimal(20000),
        label=_("Maximum distance to the border (km)"),
        help_text=_("Keep localities at most this many km from the French land border."),
    )
    near = LocalityNearFilter(
        label=_("Near a point"),
        help_text=_(
            "<latitude>,<longitude>,<km>: the localities within that distance of the point, e.g. 50.14,4.83,10."
        ),
    )

    class Meta:
        model = Locality
        fields = ["search", "country", "max_border_distance", "near"]


class TownPageFilter(TownFilterBase):
    """The towns page: PVD laureates by default, all communes on request, with sorting."""

    scope = django_filters.ChoiceFilter(
        choices=[("pvd", _("PVD laureates")), ("all", _("All communes"))],
        method="filter_scope",
        empty_label=None,
        label=_("Show"),
    )
    sort = django_filters.ChoiceFilter(
        choices=[
            ("population", _("Population (smallest first)")),
            ("-population", _("Population (largest first)")),
            ("distance", _("Distance to the border (nearest first)")),
            ("department", _("Department")),
        ],
        method="filter_sort",
        empty_label=_("Name"),
        label=_("Sort by"),
    )

    class Meta(TownFilterBase.Meta):
        fields = ["search", "scope", "border_country", "department", "region", "max_border_distance", "near", "sort"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("scope"):
            data["scope"] = "pvd"
        super().__init__(data, *args, **kwargs)
        # Help texts document the API (codes, formats); on the page the choices speak for themselves.
        for field in self.form.fields.values():
            field.help_text = ""
        self.form.fields["search"].help_text = _("Name or postal code: accents, capitals and hyphens do not matter.")
        # Kept from link to link (the home's and the town pages' links), not a box of the form (yet).
        self.form.fields["near"].widget = forms.HiddenInput()
        fast_selects(self.form)

    # The page's order as the API's ``ordering`` (the API has no order by department: its own order then).
    API_ORDERING = {
        "": "name",
        "population": "population,name",
        "-population": "-population,name",
        "distance": "border_distance_km,name",
    }

    def api_params(self) -> list[tuple[str, str]]:
        """The page's filters as the parameters of ``/api/v1/towns/`` (valid filters only)."""
        data = self.form.cleaned_data
        params = selection(
            self.data, ["search", "border_country", "department", "region", "max_border_distance", "near"]
        )
        if data.get("scope") == "pvd":
            params.append(("is_pvd", "true"))
        ordering = self.API_ORDERING.get(data.get("sort") or "")
        return params + ([("ordering", ordering)] if ordering else [])

    SORTS = {
        "population": (F("population").asc(nulls_last=True),),
        "-population": (F("population").desc(nulls_last=True),),
        "distance": (F("border_distance_km").asc(nulls_last=True),),
        "department": (F("department__code").asc(),),
    }

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*self.SORTS[value], "name", "insee_code")

    def filter_scope(self, queryset, name, value):
        return queryset if value == "all" else queryset.pvd()
