"""The MOT's offer to the towns of Petites villes de demain (a catalogue of services, source ``001_…``) and the
support requests towns send the MOT through the portal.

A support request holds personal data (a name, an e-mail address, a phone number): it is shown to staff in the
admin only, never on a public page, in the API, a sitemap, a feed or a PDF, and closed requests are deleted after
``SUPPORT_REQUEST_RETENTION_DAYS`` (``manage.py purge_support_requests``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from missions.models import Mission
from mot_portal.publishing import PublishableQuerySet, Status
from mot_portal.sanitize import sanitize_fields


class Service(models.Model):
    """A service of the MOT's offer (e.g. a diagnostic of cross-border opportunities, a webinar)."""

    RICH_TEXT_FIELDS = ("summary", "description")

    class Family(models.TextChoices):
        TRAINING_NETWORKING = "training_networking", _("Training and networking at national and regional level")
        LOCAL_SUPPORT = "local_support", _("Local support missions")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("Identifier used in URLs and the API."))
    family = models.CharField(
        _("family"), max_length=20, choices=Family.choices, help_text=_("Which of the two kinds of action it is.")
    )
    title = models.CharField(_("title"), max_length=250, help_text=_("Name of the service."))
    summary = models.TextField(_("summary"), blank=True, help_text=_("What the service is, in a sentence or two."))
    description = models.TextField(_("description"), blank=True, help_text=_("What the MOT offers, in more detail."))
    audience = models.CharField(
        _("for whom"), max_length=250, blank=True, help_text=_("Who the service is for, as the source says.")
    )
    mission_kind = models.CharField(
        _("kind of mission"),
        max_length=20,
        choices=Mission.Kind.choices,
        blank=True,
        help_text=_("The kind of support mission that delivers it (used to prefill a mission created from a request)."),
    )
    announced_on = models.DateField(
        _("announced on"), null=True, blank=True, help_text=_("When the MOT announced the service (its source's date).")
    )
    missions = models.ManyToManyField(
        "missions.Mission",
        verbose_name=_("missions that delivered it"),
        blank=True,
        related_name="services",
        help_text=_("Support missions through which the MOT delivered this service."),
    )
    booklets = models.ManyToManyField(
        "projects.Booklet",
        verbose_name=_("publications that delivered it"),
        blank=True,
        related_name="services",
        help_text=_("Booklets published as part of this service."),
    )
    source = models.TextField(_("source"), blank=True, help_text=_("Where the description comes from."))
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order within its family."))
    status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published services appear anywhere public."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, help_text=_("Publication date."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, help_text=_("When it was last changed."))

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services of the offer")
        ordering = ["family", "position", "slug"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        sanitize_fields(self, self.RICH_TEXT_FIELDS)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("support:service_detail", kwargs={"slug": self.slug})


class RetiredMission(models.Model):
    """The address of a mission record that became part of the offer: its old page redirects (301) to the
    service's page."""

    mission_slug = models.SlugField(
        _("former mission slug"), max_length=120, unique=True, help_text=_("Slug of the mission page that was retired.")
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="retired_missions",
        help_text=_("Service whose page replaces it."),
    )

    class Meta:
        verbose_name = _("retired mission address")
        verbose_name_plural = _("retired mission addresses")
        ordering = ["mission_slug"]

    def __str__(self) -> str:
        return self.mission_slug


class SupportRequest(models.Model):
    """A town's request for support, sent through the public form and triaged by staff."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        MISSION_CREATED = "mission_created", _("Mission created")

    town = models.ForeignKey(
        "towns.Town",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        related_name="support_requests",
        help_text=_("Commune the request is about."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, help_text=_("Organisation of the requester."))
    role = models.CharField(_("role"), max_length=200, help_text=_("Role of the requester in the organisation."))
    name = models.CharField(_("name"), max_length=200, help_text=_("Name of the requester."))
    email = models.EmailField(_("e-mail"), max_length=254, help_text=_("E-mail address of the requester."))
    phone = models.CharField(_("phone"), max_length=40, blank=True, help_text=_("Phone number (optional)."))
    service = models.ForeignKey(
        Service,
        verbose_name=_("service wanted"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        help_text=_("Service of the offer the requester asks for (empty: not sure)."),
    )
    need = models.TextField(_("need"), help_text=_("What the town needs, in the requester's words (plain text)."))
    consent = models.BooleanField(
        _("consent to be contacted"), default=False, help_text=_("The requester agreed to be contacted by the MOT.")
    )
    language = models.CharField(
        _("language"), max_length=5, blank=True, help_text=_("Language the request was written in.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=State.choices, default=State.NEW, db_index=True, help_text=_("Triage.")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
        help_text=_("Staff member handling the request."),
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Notes for the MOT's staff; never shown to the requester.")
    )
    mission = models.ForeignKey(
        "missions.Mission",
        verbose_name=_("mission"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
        help_text=_("Mission created from the request."),
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, help_text=_("When it was closed (the retention period starts then).")
    )
    acknowledged_at = models.DateTimeField(
        _("acknowledgement sent at"),
        null=True,
        blank=True,
        help_text=_("When the acknowledgement was sent to the requester (empty: not yet; retried)."),
    )
    notified_at = models.DateTimeField(
        _("staff notified at"),
        null=True,
        blank=True,
        help_text=_("When the MOT's addresses were told of the request (empty: not yet, or no address configured)."),
    )

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"], name="support_request_email")]

    def __str__(self) -> str:
        return f"{self.town} — {self.created_at:%Y-%m-%d}" if self.created_at else str(self.town)
