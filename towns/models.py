"""Territories (countries, regions, departments, intercommunalities, towns) and cross-border partners."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editorial.models import STAFF_PROVENANCE_HELP, sources_field

INSEE_CODE_REGEX = r"^(?:[0-9]{2}|2[AB])[0-9]{3}$"
SIREN_REGEX = r"^[0-9]{9}$"
PVD_ID_REGEX = r"^pvd-[0-9A-Za-z-]{1,16}$"

insee_code_validator = RegexValidator(
    INSEE_CODE_REGEX, _("An INSEE code has five characters: two digits (or 2A/2B) then three digits.")
)
siren_validator = RegexValidator(SIREN_REGEX, _("A SIREN number has exactly nine digits."))
alpha2_validator = RegexValidator(r"^[A-Z]{2}$", _("Use the ISO 3166-1 alpha-2 code in capitals, e.g. BE."))
alpha3_validator = RegexValidator(r"^[A-Z]{3}$", _("Use the ISO 3166-1 alpha-3 code in capitals, e.g. BEL."))
region_code_validator = RegexValidator(r"^[0-9]{2,3}$", _("A region code has two or three digits."))
department_code_validator = RegexValidator(
    r"^(?:[0-9]{2,3}|2[AB])$", _("A department code has two or three digits, or is 2A or 2B.")
)
pvd_id_validator = RegexValidator(PVD_ID_REGEX, _("A PVD id looks like pvd-44-57-3."))


class Country(models.Model):
    code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        validators=[alpha2_validator],
        help_text=_("ISO 3166-1 alpha-2 code, e.g. BE for Belgium."),
    )
    iso3 = models.CharField(
        _("ISO alpha-3 code"),
        max_length=3,
        unique=True,
        validators=[alpha3_validator],
        help_text=_("ISO 3166-1 alpha-3 code, e.g. BEL."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Usual name of the country."))
    borders_france = models.BooleanField(
        _("shares a land border with France"),
        default=False,
        help_text=_("True for the countries with which France shares a land border."),
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_alpha2"),
            models.CheckConstraint(condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3_alpha3"),
        ]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    code = models.CharField(
        _("code"),
        max_length=3,
        unique=True,
        validators=[region_code_validator],
        help_text=_("INSEE code of the region."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Official name of the region."))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{2,3}$"), name="region_code_format")]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(
        _("code"),
        max_length=3,
        unique=True,
        validators=[department_code_validator],
        help_text=_("INSEE code of the department, e.g. 57 or 2A."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Official name of the department."))
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("Region the department belongs to."),
    )
    border_countries = models.ManyToManyField(
        Country,
        verbose_name=_("neighbouring countries"),
        blank=True,
        related_name="border_departments",
        help_text=_("Countries with which the department shares a land border."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^(?:[0-9]{2,3}|2[AB])$"), name="department_code_format")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Intercommunality(models.Model):
    class Kind(models.TextChoices):
        CC = "CC", _("Community of municipalities (CC)")
        CA = "CA", _("Agglomeration community (CA)")
        CU = "CU", _("Urban community (CU)")
        METRO = "METRO", _("Metropolis")
        MET69 = "MET69", _("Lyon Metropolis")

    siren = models.CharField(
        _("SIREN"), max_length=9, unique=True, validators=[siren_validator], help_text=_("Nine-digit SIREN number.")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("Official name of the intercommunality (EPCI)."))
    kind = models.CharField(
        _("type"), max_length=5, choices=Kind.choices, help_text=_("Legal form of the EPCI (CC, CA, CU, metropolis).")
    )
    funding_mode = models.CharField(
        _("tax regime"), max_length=10, blank=True, help_text=_("FPU (single business tax) or FA (additional tax).")
    )
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, help_text=_("Municipal population of its member communes (INSEE).")
    )
    town_count = models.PositiveIntegerField(
        _("number of communes"), null=True, blank=True, help_text=_("Number of member communes.")
    )

    class Meta:
        verbose_name = _("intercommunality")
        verbose_name_plural = _("intercommunalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(siren__regex=SIREN_REGEX), name="intercommunality_siren_9_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("towns:intercommunality_detail", kwargs={"siren": self.siren})


class TownQuerySet(models.QuerySet):
    def pvd(self) -> "TownQuerySet":
        """Laureates of the Petites villes de demain programme."""
        return self.filter(pvd_id__isnull=False)

    def not_pvd(self) -> "TownQuerySet":
        return self.filter(pvd_id__isnull=True)

    def with_relations(self) -> "TownQuerySet":
        return self.select_related("department__region", "intercommunality", "border_country")


class Town(models.Model):
    insee_code = models.CharField(
        _("INSEE code"),
        max_length=5,
        unique=True,
        validators=[insee_code_validator],
        help_text=_("Official INSEE code of the commune (COG 2026), e.g. 57106."),
    )
    name = models.CharField(_("name"), max_length=200, db_index=True, help_text=_("Official name of the commune."))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="towns",
        help_text=_("Department of the commune."),
    )
    intercommunality = models.ForeignKey(
        Intercommunality,
        verbose_name=_("intercommunality"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="towns",
        help_text=_("EPCI the commune belongs to; empty for the few communes outside any EPCI."),
    )
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, help_text=_("Municipal population (INSEE); empty when unknown.")
    )
    postal_codes = models.CharField(
        _("postal codes"), max_length=200, blank=True, help_text=_("Postal codes, separated by spaces.")
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
        help_text=_("Latitude of the commune's centroid (WGS84); empty when unknown."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
        help_text=_("Longitude of the commune's centroid (WGS84); empty when unknown."),
    )
    border_distance_km = models.DecimalField(
        _("distance to the border (km)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        db_index=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Geodesic distance in km from the centroid to the nearest land border of the commune's territory: the "
            "smallest of its distances to each neighbouring country. Empty without coordinates or without a land "
            "border (overseas, except French Guiana)."
        ),
    )
    border_country = models.ForeignKey(
        Country,
        verbose_name=_("nearest neighbouring country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nearby_towns",
        help_text=_("The neighbouring country across the nearest land border (of the distances to each country)."),
    )
    border_distances = models.JSONField(
        _("distance to each neighbouring country (km)"),
        default=dict,
        blank=True,
        help_text=_(
            "Geodesic distance in km from the centroid to France's land border with each neighbouring country of "
            "the commune's territory, by ISO code (computed by the import from the Natural Earth borders)."
        ),
    )
    pvd_id = models.CharField(
        _("PVD laureate id"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        validators=[pvd_id_validator],
        help_text=_("Identifier in the Petites villes de demain programme (ANCT); empty if not a laureate."),
    )
    pvd_signed_on = models.DateField(
        _("PVD agreement signed on"),
        null=True,
        blank=True,
        help_text=_("Date the PVD agreement was signed; empty when the source gives none."),
    )
    search_key = models.CharField(
        _("search key"),
        max_length=400,
        blank=True,
        default="",
        editable=False,
        db_index=True,
        help_text=_(
            "Name and postal codes folded for searching (lower case, no accents, hyphens and apostrophes as "
            "spaces); filled by the import."
        ),
    )

    objects = TownQuerySet.as_manager()

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["name", "insee_code"]
        constraints = [
            models.CheckConstraint(condition=Q(insee_code__regex=INSEE_CODE_REGEX), name="town_insee_code_format"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="town_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="town_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(border_distance_km__isnull=True) | Q(border_distance_km__gte=0),
                name="town_border_distance_positive",
            ),
            models.CheckConstraint(
                condition=Q(border_distance_km__isnull=True) | Q(border_country__isnull=False),
                name="town_border_distance_has_country",
            ),
            models.CheckConstraint(
                condition=Q(pvd_signed_on__isnull=True) | Q(pvd_id__isnull=False), name="town_pvd_date_needs_id"
            ),
            models.CheckConstraint(
                condition=Q(pvd_id__isnull=True) | Q(pvd_id__regex=PVD_ID_REGEX), name="town_pvd_id_format"
            ),
        ]
        indexes = [models.Index(fields=["pvd_id", "border_distance_km"], name="town_pvd_distance_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"

    def get_absolute_url(self) -> str:
        return reverse("towns:town_detail", kwargs={"insee_code": self.insee_code})

    @property
    def is_pvd(self) -> bool:
        return self.pvd_id is not None


class Partner(models.Model):
    class CompetenceLevel(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal")
        INTERMUNICIPAL = "intermunicipal", _("Intermunicipal")
        DISTRICT = "district", _("District / county")
        REGIONAL = "regional", _("Regional / state / canton")
        NATIONAL = "national", _("National")
        EUROPEAN = "european", _("European / EGTC")

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        STATE = "state", _("State service or agency")
        COOPERATION_BODY = "cooperation_body", _("Cross-border cooperation body")
        ASSOCIATION = "association", _("Association")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("Identifier used in URLs."))
    name = models.CharField(_("name"), max_length=200, help_text=_("Name of the organisation."))
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="partners",
        help_text=_("Country where the organisation is based."),
    )
    competence_level = models.CharField(
        _("competence level"),
        max_length=20,
        choices=CompetenceLevel.choices,
        help_text=_("Territorial level at which the organisation acts."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER, help_text=_("Kind of organisation.")
    )
    intercommunality = models.OneToOneField(
        Intercommunality,
        verbose_name=_("intercommunality"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner",
        help_text=_("When the partner is a French EPCI, the EPCI record."),
    )
    website = models.URLField(_("website"), blank=True, help_text=_("Official website, if known."))
    description = models.TextField(_("description"), blank=True, help_text=_("What the organisation does."))
    towns = models.ManyToManyField(
        Town,
        verbose_name=_("towns"),
        blank=True,
        related_name="partners",
        help_text=_("Towns the organisation works with."),
    )
    source = models.CharField(_("source (staff only)"), max_length=200, blank=True, help_text=STAFF_PROVENANCE_HELP)
    sources = sources_field("partners")

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("towns:partner_detail", kwargs={"slug": self.slug})


class CrossBorderArea(models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("Identifier used in URLs."))
    name = models.CharField(_("name"), max_length=200, help_text=_("Name of the cross-border area."))
    countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries"),
        blank=True,
        related_name="cross_border_areas",
        help_text=_("Countries the area spans."),
    )
    towns = models.ManyToManyField(
        Town,
        verbose_name=_("member towns"),
        blank=True,
        related_name="cross_border_areas",
        help_text=_("French towns that belong to the area."),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("What the area is."))
    latitude = models.DecimalField(
        _("centre latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
        help_text=_("Latitude of a point that stands for the area on a map (WGS84), when a source gives one."),
    )
    longitude = models.DecimalField(
        _("centre longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
        help_text=_("Longitude of a point that stands for the area on a map (WGS84), when a source gives one."),
    )
    outline = models.JSONField(
        _("outline"),
        null=True,
        blank=True,
        help_text=_(
            "Optional GeoJSON geometry (Polygon or MultiPolygon, WGS84 longitude/latitude) of the area's extent, "
            "from a cited source."
        ),
    )
    source = models.TextField(_("source (staff only)"), blank=True, help_text=STAFF_PROVENANCE_HELP)
    sources = sources_field("cross_border_areas")

    class Meta:
        verbose_name = _("cross-border area")
        verbose_name_plural = _("cross-border areas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("towns:area_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.outline is not None:
            from towns.geometry import outline_error

            reason = outline_error(self.outline)
            if reason:
                raise ValidationError({"outline": OUTLINE_ERRORS[reason]})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Give both the latitude and the longitude of the centre, or neither.")}
            )

    @property
    def map_centre(self) -> tuple[float, float] | None:
        """(latitude, longitude) that stands for the area on a map: the centre a source gives, otherwise the mean
        position of the member towns with coordinates (from the prefetched towns when there are), otherwise None."""
        if self.latitude is not None and self.longitude is not None:
            return float(self.latitude), float(self.longitude)
        if self.pk is None:
            return None
        points = [
            (t.latitude, t.longitude) for t in self.towns.all() if t.latitude is not None and t.longitude is not None
        ]
        if not points:
            return None
        return (
            round(sum(float(lat) for lat, _lon in points) / len(points), 5),
            round(sum(float(lon) for _lat, lon in points) / len(points), 5),
        )


OUTLINE_ERRORS = {
    "type": _("The outline must be a GeoJSON geometry of type Polygon or MultiPolygon."),
    "structure": _("The outline's coordinates must be lists of [longitude, latitude] positions, as in GeoJSON."),
    "ring": _("Each ring of the outline needs at least four positions."),
    "range": _(
        "Each position must be [longitude, latitude], with a longitude from -180 to 180 and a latitude from -90 to 90."
    ),
    "closed": _("Each ring of the outline must be closed: its last position repeats the first."),
}


class Locality(models.Model):
    """A populated place across the border, within 30 km of France (GeoNames, CC BY 4.0); loaded by the import."""

    name = models.CharField(_("name"), max_length=200, help_text=_("Name of the locality (GeoNames)."))
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="localities",
        help_text=_("Country of the locality."),
    )
    admin1 = models.CharField(
        _("first-level division"), max_length=200, blank=True, help_text=_("Region, state, canton or province.")
    )
    admin2 = models.CharField(
        _("second-level division"), max_length=200, blank=True, help_text=_("District, county or province.")
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    border_distance_km = models.DecimalField(
        _("distance to France (km)"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Distance in km to the French land border, as given by the data file."),
    )

    class Meta:
        verbose_name = _("locality across the border")
        verbose_name_plural = _("localities across the border")
        ordering = ["name", "country"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name", "latitude", "longitude"], name="locality_unique_place"),
            models.CheckConstraint(condition=Q(border_distance_km__gte=0), name="locality_distance_positive"),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="locality_position_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"


class DataImport(models.Model):
    """A trace of each load of the open data, so that re-running with the same files is a no-op."""

    dataset = models.CharField(_("dataset"), max_length=50, help_text=_("Name of the imported dataset."))
    checksum = models.CharField(_("checksum"), max_length=64, help_text=_("SHA-256 of the imported files."))
    counts = models.JSONField(_("counts"), default=dict, help_text=_("Number of records loaded, by kind."))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ["-imported_at"]
        get_latest_by = "imported_at"

    def __str__(self) -> str:
        return f"{self.dataset} {self.imported_at:%Y-%m-%d %H:%M}"
