"""The MOT work programme: a programme holds a tree of axes, sub-axes, actions and activity lines."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editorial.models import first_published_on_field, first_published_precision_field, sources_field

NODE_CODE_REGEX = r"^[0-9]+(?:\.[0-9]+){0,2}$"


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: how names and searches are compared."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())


class DealTheme(models.Model):
    """One of the nine themes of the Cross-border Deal."""

    number = models.PositiveSmallIntegerField(
        _("number"),
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Number of the theme in the Cross-border Deal, e.g. 4."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("Name of the theme."))

    class Meta:
        verbose_name = _("Cross-border Deal theme")
        verbose_name_plural = _("Cross-border Deal themes")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("workplan:deal_theme", kwargs={"number": self.number})


class TransversalTheme(models.Model):
    """A theme that runs across the whole programme (mountains, cross-border living areas…)."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Identifier used in URLs."))
    name = models.CharField(_("name"), max_length=200, help_text=_("Name of the theme."))

    class Meta:
        verbose_name = _("transversal theme")
        verbose_name_plural = _("transversal themes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workplan:transversal_theme", kwargs={"slug": self.slug})


class ProgrammeQuerySet(models.QuerySet):
    def published(self) -> "ProgrammeQuerySet":
        return self.filter(status=Programme.Status.PUBLISHED)


class Programme(models.Model):
    class Status(models.TextChoices):
        # The shared workflow's statuses (mot_portal.publishing.Status), kept here for the existing code.
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Year the programme covers."),
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("Title of the programme."))
    as_of = models.DateField(
        _("as of"), null=True, blank=True, help_text=_("Date of the version of the programme, as the file states it.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published programmes appear on the public pages and in the API."),
    )
    source = models.CharField(
        _("source file (staff only)"),
        max_length=200,
        blank=True,
        help_text=_("Staff only, never shown in public: the file the programme was imported from."),
    )
    sources = sources_field("programmes")
    first_published_on = first_published_on_field()
    first_published_precision = first_published_precision_field()

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("work programme")
        verbose_name_plural = _("work programmes")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workplan:programme", kwargs={"year": self.year})


class WorkItemQuerySet(models.QuerySet):
    def nodes(self) -> "WorkItemQuerySet":
        return self.exclude(kind=WorkItem.Kind.LINE)

    def lines(self) -> "WorkItemQuerySet":
        return self.filter(kind=WorkItem.Kind.LINE)

    def published(self) -> "WorkItemQuerySet":
        return self.filter(programme__status=Programme.Status.PUBLISHED)


class WorkItem(models.Model):
    """A node of the programme tree (axis, sub-axis, action) or an activity line under a node.

    One table keeps the whole tree readable in a constant number of queries, whatever its shape:
    actions may hang directly under an axis (``3.0.1``) and lines under a sub-axis (``1.3``).
    """

    class Kind(models.TextChoices):
        AXIS = "axis", _("Axis")
        SUB_AXIS = "sub_axis", _("Sub-axis")
        ACTION = "action", _("Action")
        LINE = "line", _("Activity line")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="items",
        help_text=_("Programme the item belongs to."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, help_text=_("Level in the tree."))
    code = models.CharField(
        _("code"),
        max_length=20,
        validators=[RegexValidator(NODE_CODE_REGEX, _("A code looks like 1, 1.1 or 1.1.1."))],
        help_text=_("Code in the source file, e.g. 3.1.1; an activity line carries the code of its node."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The node this item belongs to; empty for an axis."),
    )
    text = models.TextField(_("text"), help_text=_("Title of a node, or text of an activity line."))
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order in the programme, as in the source file.")
    )
    is_token = models.BooleanField(
        _("token"),
        default=False,
        help_text=_("The work falls under the tokens (jetons) of the MOT's modular offer."),
    )
    deal_themes = models.ManyToManyField(
        DealTheme,
        verbose_name=_("Cross-border Deal themes"),
        blank=True,
        related_name="items",
        help_text=_("Cross-border Deal themes the item refers to."),
    )
    transversal_themes = models.ManyToManyField(
        TransversalTheme,
        verbose_name=_("transversal themes"),
        blank=True,
        related_name="items",
        help_text=_("Transversal themes the item refers to."),
    )

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("work programme item")
        verbose_name_plural = _("work programme items")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], condition=~Q(kind="line"), name="workitem_node_code_unique"
            ),
            models.CheckConstraint(condition=Q(code__regex=NODE_CODE_REGEX), name="workitem_code_format"),
            models.CheckConstraint(
                condition=Q(kind="axis", parent__isnull=True) | (~Q(kind="axis") & Q(parent__isnull=False)),
                name="workitem_only_axes_are_roots",
            ),
        ]
        indexes = [models.Index(fields=["programme", "kind", "code"], name="workitem_programme_code_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}"

    def get_absolute_url(self) -> str:
        url = reverse("workplan:node", kwargs={"year": self.programme.year, "code": self.code})
        return f"{url}#{self.anchor}" if self.is_line else url

    ALLOWED_PARENTS = {
        Kind.AXIS: (),
        Kind.SUB_AXIS: (Kind.AXIS,),
        Kind.ACTION: (Kind.AXIS, Kind.SUB_AXIS),
        Kind.LINE: (Kind.AXIS, Kind.SUB_AXIS, Kind.ACTION),
    }

    def clean(self) -> None:
        """Keep the tree consistent when staff add or move items in the admin."""
        parent = self.parent
        if parent is not None and not self.programme_id:
            self.programme_id = parent.programme_id
        if self.kind == self.Kind.LINE and parent is not None and not self.code:
            self.code = parent.code
        errors = {}
        allowed = self.ALLOWED_PARENTS.get(self.kind, ())
        if parent is None and allowed:
            errors["parent"] = _("Only an axis has no parent.")
        elif parent is not None and parent.kind not in allowed:
            errors["parent"] = _("An item of kind “%(kind)s” cannot be placed under an item of kind “%(parent)s”.") % {
                "kind": self.get_kind_display().lower(),
                "parent": parent.get_kind_display().lower(),
            }
        elif parent is not None and parent.programme_id != self.programme_id:
            errors["parent"] = _("The parent belongs to another programme.")
        elif parent is not None and self.code:
            if self.kind == self.Kind.LINE and self.code != parent.code:
                errors["code"] = _("An activity line carries the code of its node (%(code)s).") % {"code": parent.code}
            elif self.kind != self.Kind.LINE and not self.code.startswith(f"{parent.code}."):
                errors["code"] = _("The code must start with the parent's code (%(code)s.).") % {"code": parent.code}
        if errors:
            raise ValidationError(errors)

    @property
    def is_line(self) -> bool:
        return self.kind == self.Kind.LINE

    @property
    def anchor(self) -> str:
        """The id of the item on the programme page (codes contain dots, which CSS selectors dislike)."""
        if self.is_line:
            return f"l-{self.pk}"
        return "n-" + re.sub(r"\W", "-", self.code)
