"""Support missions: who they serve, what was done and with whom, and the operational roadmaps that result."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
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
from editorial.models import DatePrecision as _DatePrecision
from mot_portal.publishing import PublishableQuerySet, Status
from mot_portal.sanitize import sanitize_fields

# How much of a stored date the source gives: the rest of the date is not a fact and is never shown (one set of
# choices with the sources' dates, editorial.models.DatePrecision).
DatePrecision = _DatePrecision


def _dates_clean(obj, errors: dict) -> None:
    if obj.start_date and obj.end_date and obj.end_date < obj.start_date:
        errors["end_date"] = _("The end date cannot come before the start date.")
    if obj.end_date and not obj.start_date:
        errors["start_date"] = _("Give the start date when there is an end date.")


class NationalProgramme(models.Model):
    """A national programme run with the territories that missions serve (e.g. Petites villes de demain)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Identifier used in URLs and the API."))
    name = models.CharField(_("name"), max_length=200, help_text=_("Name of the programme."))
    run_by = models.CharField(
        _("run by"), max_length=200, blank=True, help_text=_("Body that runs the programme, as the sources name it.")
    )
    website = models.URLField(_("website"), blank=True, help_text=_("Official page of the programme."))

    class Meta:
        verbose_name = _("national programme")
        verbose_name_plural = _("national programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mission(models.Model):
    RICH_TEXT_FIELDS = ("summary", "objectives", "outcomes")

    class Kind(models.TextChoices):
        FLASH_MISSION = "flash_mission", _("Flash mission")
        INDIVIDUAL_SUPPORT = "individual_support", _("Individualised support")
        DIAGNOSTIC = "diagnostic", _("Diagnostic of cross-border opportunities")
        EXPERIMENTATION = "experimentation", _("Experimentation")
        WEBINAR = "webinar", _("Webinar")
        TRAINING = "training", _("Training")
        HOTLINE = "hotline", _("Hotline")
        PUBLICATION = "publication", _("Publication")
        PROJECT_SUPPORT = "project_support", _("Support in building a project")
        OTHER = "other", _("Other")

    class Progress(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("Identifier used in URLs and the API."))
    title = models.CharField(_("title"), max_length=250, help_text=_("Title of the mission."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, help_text=_("Kind of support."))
    national_programme = models.ForeignKey(
        NationalProgramme,
        verbose_name=_("national programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
        help_text=_("National programme the mission serves, if any."),
    )
    progress = models.CharField(
        _("progress"),
        max_length=12,
        choices=Progress.choices,
        blank=True,
        help_text=_("Where the mission stands (empty when no source says); see “status as of”."),
    )
    progress_as_of = models.DateField(
        _("status as of"),
        null=True,
        blank=True,
        help_text=_("Date the progress was last confirmed, e.g. the date of the source (only its month is shown)."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True, help_text=_("When the mission started."))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("When the mission ended."))
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("How much of the start and end dates the source gives (day, month or only the year)."),
    )
    first_year = models.PositiveSmallIntegerField(
        _("first year"),
        null=True,
        editable=False,
        db_index=True,
        help_text=_("First year the mission covers (from its dates, else the status date); kept on save."),
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year"),
        null=True,
        editable=False,
        help_text=_("Last year the mission covers; kept on save."),
    )
    towns = models.ManyToManyField(
        "towns.Town", verbose_name=_("towns"), blank=True, related_name="missions", help_text=_("Towns covered.")
    )
    intercommunalities = models.ManyToManyField(
        "towns.Intercommunality",
        verbose_name=_("intercommunalities"),
        blank=True,
        related_name="missions",
        help_text=_("Intercommunalities (EPCI) covered."),
    )
    cross_border_areas = models.ManyToManyField(
        "towns.CrossBorderArea",
        verbose_name=_("cross-border areas"),
        blank=True,
        related_name="missions",
        help_text=_("Cross-border areas covered (e.g. pilot sites)."),
    )
    countries = models.ManyToManyField(
        "towns.Country",
        verbose_name=_("neighbouring countries"),
        blank=True,
        related_name="missions",
        help_text=_("Countries on the other side of the border."),
    )
    themes = models.ManyToManyField(
        "projects.Theme", verbose_name=_("themes"), blank=True, related_name="missions", help_text=_("Themes.")
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("What the mission is, in a few sentences."))
    objectives = models.TextField(_("objectives"), blank=True, help_text=_("Objectives of the mission."))
    outcomes = models.TextField(_("outcomes"), blank=True, help_text=_("What came out of the mission, when known."))
    partner_count = models.PositiveSmallIntegerField(
        _("number of supporting partners"),
        null=True,
        blank=True,
        help_text=_("Number of partners supporting the mission as the source counts them, when they are not listed."),
    )
    workplan_actions = models.ManyToManyField(
        "workplan.WorkItem",
        verbose_name=_("work programme actions"),
        blank=True,
        related_name="missions",
        limit_choices_to={"kind": "action"},
        help_text=_("Actions of the work programme the mission implements."),
    )
    factsheets = models.ManyToManyField(
        "projects.Factsheet",
        verbose_name=_("related factsheets"),
        blank=True,
        related_name="missions",
        help_text=_("Project factsheets related to the mission."),
    )
    booklets = models.ManyToManyField(
        "projects.Booklet",
        verbose_name=_("related booklets"),
        blank=True,
        related_name="missions",
        help_text=_("Booklets that came out of or relate to the mission."),
    )
    source_document = models.CharField(
        _("source document (staff only)"), max_length=250, blank=True, help_text=STAFF_PROVENANCE_HELP
    )
    sources = sources_field("missions")
    first_published_on = first_published_on_field()
    first_published_precision = first_published_precision_field()
    status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published missions appear anywhere public."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, help_text=_("Publication date."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, help_text=_("When it was created."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, help_text=_("When it was last changed."))

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("support mission")
        verbose_name_plural = _("support missions")
        ordering = ["-first_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="mission_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="mission_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        sanitize_fields(self, self.RICH_TEXT_FIELDS)
        self.first_year, self.last_year = self.covered_years()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "first_year", "last_year"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("missions:mission_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict = {}
        _dates_clean(self, errors)
        if errors:
            raise ValidationError(errors)

    def covered_years(self) -> tuple[int | None, int | None]:
        """The years the mission covers: from its start to its end; without an end, up to the date its
        progress was confirmed when it was still in progress then; without dates, the year of that
        confirmation (when the mission was announced or planned)."""
        first = self.start_date.year if self.start_date else None
        last = self.end_date.year if self.end_date else None
        confirmed = self.progress_as_of.year if self.progress_as_of else None
        if first is None:
            return (confirmed, confirmed) if last is None else (last, last)
        if last is None:
            last = max(first, confirmed) if confirmed and self.progress == self.Progress.IN_PROGRESS else first
        return first, last

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class MissionEvent(models.Model):
    """A moment of a mission: interviews, a workshop, brainstormings, a webinar, a steering meeting…"""

    RICH_TEXT_FIELDS = ("description",)

    class Kind(models.TextChoices):
        INTERVIEWS = "interviews", _("Interviews")
        WORKSHOP = "workshop", _("Workshop")
        BRAINSTORMING = "brainstorming", _("Brainstorming")
        WEBINAR = "webinar", _("Webinar")
        STEERING = "steering", _("Steering meeting")
        CONSULTATION = "consultation", _("Consultation")
        PHASE = "phase", _("Phase of work")
        REPORT = "report", _("Report")
        TRAINING = "training", _("Training")
        OTHER = "other", _("Other")

    mission = models.ForeignKey(Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, help_text=_("Kind of event."))
    title = models.CharField(_("title"), max_length=250, help_text=_("Short title of the event."))
    start_date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("Date of the event, or first day of a span.")
    )
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Last day, for a span of days."))
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("How much of the dates the source gives."),
    )
    period_label = models.CharField(
        _("period"),
        max_length=120,
        blank=True,
        help_text=_("When only a period is known, as the source words it, e.g. “autumn 2023 – winter 2024”."),
    )
    is_planned = models.BooleanField(
        _("planned"), default=False, help_text=_("The event was planned when last recorded; it may not have happened.")
    )
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Where it took place."))
    description = models.TextField(_("description"), blank=True, help_text=_("What happened (rich text)."))
    participants_total = models.PositiveIntegerField(
        _("participants"), null=True, blank=True, help_text=_("Number of participants, when known.")
    )
    participants_approximate = models.BooleanField(
        _("approximate number"), default=False, help_text=_("The number of participants is an estimate (“about”).")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order in the timeline."))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["mission", "position", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="mission_event_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        sanitize_fields(self, self.RICH_TEXT_FIELDS)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict = {}
        _dates_clean(self, errors)
        if errors:
            raise ValidationError(errors)


class EventParticipation(models.Model):
    """Participants of an event from one country; the count stays empty when the source does not give it."""

    event = models.ForeignKey(
        MissionEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations"
    )
    country = models.ForeignKey(
        "towns.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="event_participations",
        help_text=_("Country the participants came from."),
    )
    count = models.PositiveIntegerField(
        _("number"), null=True, blank=True, help_text=_("Number of participants from that country, when known.")
    )

    class Meta:
        verbose_name = _("participants from a country")
        verbose_name_plural = _("participants by country")
        ordering = ["event", "country__code"]
        constraints = [models.UniqueConstraint(fields=["event", "country"], name="event_participation_unique")]

    def __str__(self) -> str:
        return f"{self.country}: {self.count if self.count is not None else '?'}"


class ThematicGroup(models.Model):
    """A working group of a mission's workshop, with its themes."""

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="thematic_groups"
    )
    event = models.ForeignKey(
        MissionEvent,
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="thematic_groups",
        help_text=_("The workshop the group met in, if recorded."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("Name of the group."))
    themes = models.ManyToManyField(
        "projects.Theme",
        verbose_name=_("themes"),
        blank=True,
        related_name="thematic_groups",
        help_text=_("Themes of the group."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order on the page."))

    class Meta:
        verbose_name = _("thematic group")
        verbose_name_plural = _("thematic groups")
        ordering = ["mission", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.event_id and self.mission_id and self.event.mission_id != self.mission_id:
            raise ValidationError({"event": _("The event belongs to another mission.")})


class MissionPartner(models.Model):
    """A partner engaged in a mission: the partner matrix (country × competence level) is drawn from these."""

    class Role(models.TextChoices):
        BENEFICIARY = "beneficiary", _("Beneficiary")
        COMMISSIONER = "commissioner", _("Commissioning body")
        SUPPORT = "support", _("Supporting partner")
        CONTRIBUTOR = "contributor", _("Contributor to interviews or workshops")
        PARTNER = "partner", _("Partner")

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="partner_roles"
    )
    partner = models.ForeignKey(
        "towns.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="mission_roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, help_text=_("Role in the mission."))

    class Meta:
        verbose_name = _("partner engaged")
        verbose_name_plural = _("partners engaged (partner mapping)")
        constraints = [
            models.UniqueConstraint(fields=["mission", "partner", "role"], name="mission_partner_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partner} – {self.get_role_display()}"


class RoadmapQuerySet(models.QuerySet):
    def published(self) -> RoadmapQuerySet:
        return self.filter(status=Status.PUBLISHED, mission__status=Status.PUBLISHED)


class Roadmap(models.Model):
    """A dated version of a mission's operational roadmap; the public sees the latest published version."""

    RICH_TEXT_FIELDS = ("summary",)

    mission = models.ForeignKey(Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="roadmaps")
    version = models.PositiveSmallIntegerField(
        _("version"), validators=[MinValueValidator(1)], help_text=_("Version number, 1 for the first.")
    )
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Date of this version, when known."))
    summary = models.TextField(_("summary"), blank=True, help_text=_("What the roadmap sets out (rich text)."))
    status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("A version is public once published and its mission is published."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, help_text=_("When it was created."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, help_text=_("When it was last changed."))

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")
        ordering = ["mission", "-version"]
        constraints = [models.UniqueConstraint(fields=["mission", "version"], name="roadmap_version_unique")]

    def __str__(self) -> str:
        return f"{self.mission} – v{self.version}"

    def save(self, *args, **kwargs):
        sanitize_fields(self, self.RICH_TEXT_FIELDS)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("missions:roadmap_detail", kwargs={"slug": self.mission.slug, "version": self.version})


class RoadmapAction(models.Model):
    RICH_TEXT_FIELDS = ("description",)

    class Horizon(models.TextChoices):
        SHORT = "short", _("Short term")
        MEDIUM = "medium", _("Medium term")
        LONG = "long", _("Long term")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Progress(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        ABANDONED = "abandoned", _("Abandoned")

    roadmap = models.ForeignKey(Roadmap, verbose_name=_("roadmap"), on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order in the roadmap."))
    title = models.CharField(_("title"), max_length=250, help_text=_("Title of the action."))
    description = models.TextField(_("description"), blank=True, help_text=_("What the action is (rich text)."))
    theme = models.ForeignKey(
        "projects.Theme",
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_actions",
        help_text=_("Theme of the action (actions are grouped by theme)."),
    )
    thematic_group = models.ForeignKey(
        ThematicGroup,
        verbose_name=_("thematic group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_actions",
        help_text=_("Thematic group the action came from, if any."),
    )
    lead = models.ForeignKey(
        "towns.Partner",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_roadmap_actions",
        help_text=_("Organisation leading the action."),
    )
    partners = models.ManyToManyField(
        "towns.Partner",
        verbose_name=_("other partners"),
        blank=True,
        related_name="roadmap_actions",
        help_text=_("Other organisations taking part."),
    )
    horizon = models.CharField(
        _("horizon"), max_length=6, choices=Horizon.choices, blank=True, help_text=_("Short, medium or long term.")
    )
    priority = models.CharField(
        _("priority"), max_length=6, choices=Priority.choices, blank=True, help_text=_("Priority of the action.")
    )
    progress = models.CharField(
        _("status"),
        max_length=12,
        choices=Progress.choices,
        default=Progress.PROPOSED,
        help_text=_("proposed, in progress, done or abandoned."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, help_text=_("When the action is due, if set."))
    factsheets = models.ManyToManyField(
        "projects.Factsheet",
        verbose_name=_("related factsheets"),
        blank=True,
        related_name="roadmap_actions",
        help_text=_("Project factsheets the action relates to."),
    )

    class Meta:
        verbose_name = _("roadmap action")
        verbose_name_plural = _("roadmap actions")
        ordering = ["roadmap", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        sanitize_fields(self, self.RICH_TEXT_FIELDS)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.thematic_group_id and self.roadmap_id and self.thematic_group.mission_id != self.roadmap.mission_id:
            raise ValidationError({"thematic_group": _("The group belongs to another mission.")})
