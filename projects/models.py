"""Project factsheets (cross-border projects towns take part in) and the booklets that collect them."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editorial.models import (
    STAFF_PROVENANCE_HELP,
    first_published_on_field,
    first_published_precision_field,
    sources_field,
)
from mot_portal.publishing import PublishableQuerySet, Status
from mot_portal.sanitize import sanitize_fields
from mot_portal.uploads import UploadedImageField

YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]
SEARCH_FIELDS = ("search_fr", "search_en")


class Theme(models.Model):
    """One taxonomy of themes, shared by factsheets, missions and roadmaps."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Identifier used in URLs and the API."))
    name = models.CharField(_("name"), max_length=120, help_text=_("Name of the theme."))
    deal_theme = models.ForeignKey(
        "workplan.DealTheme",
        verbose_name=_("Cross-border Deal theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_themes",
        help_text=_("The Cross-border Deal theme it matches, if any."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order in lists."))

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Factsheet(models.Model):
    RICH_TEXT_FIELDS = ("summary", "territorial_issue", "objectives", "actions", "results")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("Identifier used in URLs and the API."))
    title = models.CharField(_("title"), max_length=250, help_text=_("Title of the project."))
    summary = models.TextField(_("summary"), blank=True, help_text=_("What the project does, in a few sentences."))
    territorial_issue = models.TextField(
        _("territorial issue"), blank=True, help_text=_("The issue or territorial context the project answers.")
    )
    objectives = models.TextField(_("objectives"), blank=True, help_text=_("Objectives of the project."))
    actions = models.TextField(_("actions carried out"), blank=True, help_text=_("What was done."))
    results = models.TextField(_("results and impact"), blank=True, help_text=_("Results and impact, when known."))
    countries = models.ManyToManyField(
        "towns.Country",
        verbose_name=_("countries"),
        blank=True,
        related_name="factsheets",
        help_text=_("Countries on both sides of the border the project spans."),
    )
    cross_border_area = models.ForeignKey(
        "towns.CrossBorderArea",
        verbose_name=_("cross-border area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="factsheets",
        help_text=_("The cross-border area of the project, if any."),
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="factsheets", help_text=_("Themes of the project.")
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Year the project started.")
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Year the project ended.")
    )
    budget = models.CharField(
        _("budget"), max_length=100, blank=True, help_text=_("Budget as the source states it, e.g. 1.2 M€.")
    )
    funding_programme = models.CharField(
        _("funding programme"), max_length=200, blank=True, help_text=_("e.g. Interreg France-Wallonie-Vlaanderen.")
    )
    website = models.URLField(_("website"), blank=True, help_text=_("Website of the project."))
    photo = UploadedImageField(_("photo"), upload_to="factsheets/", blank=True, help_text=_("Original photo."))
    photo_resized = models.ImageField(
        _("resized photo"),
        upload_to="factsheets/resized/",
        blank=True,
        editable=False,
        help_text=_("Copy of the photo at most 1600 px wide, used by pages and PDFs."),
    )
    photo_caption = models.CharField(_("photo caption"), max_length=250, blank=True, help_text=_("Caption."))
    photo_credit = models.CharField(_("photo credit"), max_length=200, blank=True, help_text=_("Photo credit."))
    source_document = models.CharField(
        _("source document (staff only)"), max_length=250, blank=True, help_text=STAFF_PROVENANCE_HELP
    )
    sources = sources_field("factsheets")
    first_published_on = first_published_on_field()
    first_published_precision = first_published_precision_field()
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published factsheets appear anywhere public."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, help_text=_("Publication date."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, help_text=_("When it was created."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, help_text=_("When it was last changed."))
    # Full-text search documents (PostgreSQL only, kept by the factsheet services; GIN-indexed).
    search_fr = SearchVectorField(null=True, editable=False)
    search_en = SearchVectorField(null=True, editable=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("factsheet")
        verbose_name_plural = _("factsheets")
        ordering = ["title"]
        # Created on PostgreSQL only (see migration 0003): SQLite has no GIN indexes.
        indexes = [
            GinIndex(fields=["search_fr"], name="factsheet_search_fr_gin"),
            GinIndex(fields=["search_en"], name="factsheet_search_en_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="factsheet_years_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="factsheet_published_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        sanitize_fields(self, self.RICH_TEXT_FIELDS)
        updating = not self._state.adding and self.pk is not None and not kwargs.get("force_insert")
        if updating and kwargs.get("update_fields") is None:
            # The search documents are written by one UPDATE (projects.search), never by a save of the record:
            # a record in memory (loaded without them, or created before they were computed) keeps them intact.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in SEARCH_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:factsheet_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end year cannot come before the start year.")})


class FactsheetTown(models.Model):
    class Role(models.TextChoices):
        PARTNER = "partner", _("Partner")
        BENEFICIARY = "beneficiary", _("Beneficiary")

    factsheet = models.ForeignKey(Factsheet, on_delete=models.CASCADE, related_name="town_roles")
    town = models.ForeignKey("towns.Town", on_delete=models.PROTECT, related_name="factsheet_roles")
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=Role.choices,
        blank=True,
        help_text=_("Partner in the implementation, or beneficiary of its impact; empty when no source says."),
    )

    class Meta:
        verbose_name = _("town taking part")
        verbose_name_plural = _("towns taking part")
        constraints = [models.UniqueConstraint(fields=["factsheet", "town", "role"], name="factsheet_town_role_unique")]

    def __str__(self) -> str:
        return f"{self.town} – {self.get_role_display() or '?'}"


class FactsheetPartner(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead partner")
        PARTNER = "partner", _("Partner")
        FUNDER = "funder", _("Funder")

    factsheet = models.ForeignKey(Factsheet, on_delete=models.CASCADE, related_name="partner_roles")
    partner = models.ForeignKey("towns.Partner", on_delete=models.PROTECT, related_name="factsheet_roles")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, help_text=_("Role in the project."))

    class Meta:
        verbose_name = _("partner taking part")
        verbose_name_plural = _("partners taking part")
        constraints = [
            models.UniqueConstraint(fields=["factsheet", "partner", "role"], name="factsheet_partner_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partner} – {self.get_role_display()}"


class Booklet(models.Model):
    RICH_TEXT_FIELDS = ("introduction",)

    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("Identifier used in URLs and the API."))
    title = models.CharField(_("title"), max_length=250, help_text=_("Title of the booklet."))
    subtitle = models.CharField(_("subtitle"), max_length=250, blank=True, help_text=_("Subtitle."))
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Introduction (rich text)."))
    edition_date = models.DateField(_("edition date"), null=True, blank=True, help_text=_("Date of the edition."))
    edition_label = models.CharField(
        _("edition"), max_length=50, blank=True, help_text=_("Edition as printed when only a month is known.")
    )
    cover_photo = UploadedImageField(_("cover photo"), upload_to="booklets/", blank=True, help_text=_("Cover photo."))
    cover_credit = models.CharField(_("cover credit"), max_length=200, blank=True, help_text=_("Photo credit."))
    factsheets = models.ManyToManyField(
        Factsheet, through="BookletEntry", verbose_name=_("factsheets"), related_name="booklets", blank=True
    )
    source_document = models.CharField(
        _("source document (staff only)"), max_length=250, blank=True, help_text=STAFF_PROVENANCE_HELP
    )
    sources = sources_field("booklets")
    first_published_on = first_published_on_field()
    first_published_precision = first_published_precision_field()
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published booklets appear anywhere public."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, help_text=_("Publication date."))

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("booklet")
        verbose_name_plural = _("booklets")
        ordering = ["-edition_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="booklet_published_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        sanitize_fields(self, self.RICH_TEXT_FIELDS)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:booklet_detail", kwargs={"slug": self.slug})


class BookletEntry(models.Model):
    booklet = models.ForeignKey(Booklet, on_delete=models.CASCADE, related_name="entries")
    factsheet = models.ForeignKey(Factsheet, on_delete=models.PROTECT, related_name="booklet_entries")
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order in the booklet."))

    class Meta:
        verbose_name = _("factsheet of the booklet")
        verbose_name_plural = _("factsheets of the booklet")
        ordering = ["booklet", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["booklet", "factsheet"], name="booklet_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.factsheet}"
