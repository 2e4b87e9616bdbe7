"""The PDF document of the missions app: a mission's current roadmap (with its scope, timeline, participants,
partner matrix and thematic groups), in French and in English, for a published mission with a published
roadmap version. What it shows is declared here: any change to it refreshes the documents once."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from editorial.models import SOURCE_SHOWN, Source
from missions import selectors
from missions.models import Mission, NationalProgramme, Roadmap
from mot_portal.documents.registry import Dependency, DocumentKind
from mot_portal.publishing import Status
from projects.models import Theme
from towns.models import Country, CrossBorderArea, Department, Intercommunality, Partner, Town

# The rows that belong to a mission (directly, or through an event or a roadmap version). A roadmap action's
# related factsheets are not in the PDF.
PARTS = {
    "MissionEvent": ("mission", ()),
    "EventParticipation": ("event", ()),
    "ThematicGroup": ("mission", ()),
    "MissionPartner": ("mission", ()),
    "Roadmap": ("mission", ()),
    "RoadmapAction": ("roadmap", ("factsheets",)),
}


def _public():
    """Published missions with a published roadmap version."""
    with_roadmap = Roadmap.objects.filter(status=Status.PUBLISHED).values("mission")
    return Mission.objects.published().filter(pk__in=with_roadmap)


def _load(pk: int) -> Mission:
    return selectors.with_relations(_public()).get(pk=pk)


def _context(mission: Mission) -> dict:
    return selectors.mission_context(mission, selectors.current_roadmap(mission))


ROADMAP = DocumentKind(
    name="roadmap",
    label=_("Roadmap"),
    model=Mission,
    template="missions/pdf/roadmap.html",
    key_field="slug",
    public=_public,
    load=_load,
    context=_context,
    title=lambda mission: mission.title,
    depends_on=(
        # The mission and its rows; its links to the work programme, factsheets and booklets are not in the PDF.
        Dependency(Mission, ignore=("workplan_actions", "factsheets", "booklets")),
        Dependency(NationalProgramme, "national_programme", fields=("name",)),
        Dependency(Source, "sources", fields=SOURCE_SHOWN),
        Dependency(Town, "towns", fields=("name", "department", "latitude", "longitude")),
        Dependency(Department, "towns__department", fields=("name",)),
        Dependency(Intercommunality, "intercommunalities", fields=("name",)),
        Dependency(CrossBorderArea, "cross_border_areas", fields=("name",)),
        Dependency(
            Country,
            "countries",
            "partner_roles__partner__country",
            "events__participations__country",
            fields=("name", "code"),
        ),
        # France heads the partner matrix of every roadmap, whoever the partners are.
        Dependency(Country, fields=("name", "code"), everywhere=Q(code=selectors.FRANCE)),
        Dependency(
            Theme,
            "themes",
            "thematic_groups__themes",
            "roadmaps__actions__theme",
            fields=("name", "slug", "position"),
        ),
        Dependency(
            Partner,
            "partner_roles__partner",
            "roadmaps__actions__lead",
            "roadmaps__actions__partners",
            fields=("name", "slug", "country", "competence_level"),
        ),
    ),
)

KINDS = (ROADMAP,)
