"""Spreadsheet import and export of roadmap actions (see ``editorial.importing``): one row per action, identified
by its id (empty: a new action), in the roadmap given by its mission's slug and the version number; saved through
``mot_portal.services.instance_save`` (the missions app has no service of its own for actions). The roadmap's
publication status is exported (drafts marked) and never imported."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from editorial.importing import ChoiceWidget, RecordsWidget, RecordWidget, RelationField, ServiceResource, cell
from missions.models import Roadmap, RoadmapAction, ThematicGroup
from mot_portal.publishing import Status
from mot_portal.services import instance_save
from projects.models import Factsheet, Theme
from towns.models import Partner


class RoadmapWidget(RecordWidget):
    """The roadmap of a row: its mission's slug in this column, its version number in the ``version`` column."""

    def __init__(self, **kwargs):
        super().__init__(Roadmap, ("mission__slug",), label=_("mission"), **kwargs)

    def clean(self, value, row=None, **kwargs):
        slug, version = cell(value), cell((row or {}).get("version"))
        if not slug:
            raise ValueError(gettext("give the mission's slug"))
        if not version.isdigit():
            raise ValueError(gettext("give the roadmap's version number in the column 'version'"))
        roadmap = Roadmap.objects.filter(mission__slug=slug, version=int(version)).select_related("mission").first()
        if roadmap is None:
            raise ValueError(
                gettext("no roadmap version %(version)s for the mission '%(slug)s'")
                % {"version": version, "slug": slug}
            )
        return roadmap

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.mission.slug


class GroupWidget(RecordWidget):
    """A thematic group by its French name, among the groups of the row's mission."""

    def __init__(self, **kwargs):
        super().__init__(ThematicGroup, ("name_fr",), label=_("thematic group"), **kwargs)

    def get_queryset(self, row=None):
        return ThematicGroup.objects.filter(mission__slug=cell((row or {}).get("mission")))


class RoadmapActionResource(ServiceResource):
    mission = Field(attribute="roadmap", column_name="mission", widget=RoadmapWidget())
    version = Field(attribute="roadmap__version", column_name="version", readonly=True)
    roadmap_status = Field(
        attribute="roadmap__status",
        column_name="roadmap_status",
        widget=ChoiceWidget(Status.choices, label=_("status")),
        readonly=True,
    )
    theme = Field(attribute="theme", column_name="theme", widget=RecordWidget(Theme, label=_("theme")))
    thematic_group = Field(attribute="thematic_group", column_name="thematic_group", widget=GroupWidget())
    lead = Field(attribute="lead", column_name="lead", widget=RecordWidget(Partner, label=_("partner")))
    partners = RelationField(
        attribute="partners", column_name="partners", widget=RecordsWidget(Partner, label=_("partner"))
    )
    factsheets = RelationField(
        attribute="factsheets",
        column_name="factsheets",
        widget=RecordsWidget(Factsheet, ("slug", "title_fr"), label=_("factsheet")),
    )
    horizon = Field(
        attribute="horizon",
        column_name="horizon",
        widget=ChoiceWidget(RoadmapAction.Horizon.choices, label=_("horizon")),
    )
    priority = Field(
        attribute="priority",
        column_name="priority",
        widget=ChoiceWidget(RoadmapAction.Priority.choices, label=_("priority")),
    )
    progress = Field(
        attribute="progress",
        column_name="progress",
        widget=ChoiceWidget(RoadmapAction.Progress.choices, label=_("progress")),
    )

    relation_columns = ("partners", "factsheets")
    export_only = ("version", "roadmap_status")
    column_help = {
        "id": _("Identifies the action: empty for a new action; the id of an exported row updates it."),
        "title_fr": _("Title in French: required for a new action."),
        "mission": _("Slug of the mission; with the version, the roadmap the action belongs to."),
        "version": _("Version number of the roadmap (1 for the first)."),
        "roadmap_status": _("Exported only: the roadmap's publication status; an import never changes it."),
        "theme": _("Theme slug (or French name)."),
        "thematic_group": _("French name of one of the mission's thematic groups."),
        "lead": _("Slug (or name) of the lead partner."),
        "partners": _("Partner slugs (or names) separated by semicolons."),
        "horizon": _("short, medium or long."),
        "priority": _("high, medium or low."),
        "progress": _("proposed, in_progress, done or abandoned."),
        "due_date": _("A date as YYYY-MM-DD."),
        "factsheets": _("Factsheet slugs separated by semicolons."),
    }

    class Meta(ServiceResource.Meta):
        model = RoadmapAction
        import_id_fields = ("id",)
        fields = (
            "id",
            "mission",
            "version",
            "roadmap_status",
            "position",
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "theme",
            "thematic_group",
            "lead",
            "partners",
            "horizon",
            "priority",
            "progress",
            "due_date",
            "factsheets",
        )

    def header_problems(self, headers):
        problems = super().header_problems(headers)
        if "mission" in headers and "version" not in headers:
            problems.append(gettext("Missing column in row 1: 'version' (with 'mission', it names the roadmap)."))
        return problems

    def import_instance(self, instance, row, **kwargs):
        if instance.pk is None and cell(row.get("id")):
            message = gettext("no roadmap action has the id %(id)s: leave the cell empty to add an action") % {
                "id": cell(row.get("id"))
            }
            raise ValidationError({"id": message})
        super().import_instance(instance, row, **kwargs)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("roadmap__mission", "theme", "thematic_group", "lead").prefetch_related(
            "partners", "factsheets"
        )

    def service_save(self, instance, fields, relations, is_create):
        fields = {name: value for name, value in fields.items() if name != "id"}
        return instance_save(instance=instance, fields=fields, relations=relations)
