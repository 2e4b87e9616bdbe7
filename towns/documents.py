"""The PDF document of the towns app: a commune's generated diagnostic of cross-border opportunities, in French and
in English, for every commune. It shows records of nearly every app (factsheets, missions, partners, areas, work
programme items, other towns), so any change to them may concern any commune: the kind refreshes only the
diagnostics already stored (``refresh_stored_only``), found from the stored rows, never by going through the
34,969 communes. An unchanged content hash renders nothing."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missions.models import Mission, NationalProgramme
from mot_portal.documents.registry import Dependency, DocumentKind
from mot_portal.publishing import Status
from mot_portal.templatetags.maps import map_figure_pdf
from projects.models import Factsheet, Theme
from towns.diagnostic import diagnostic_build, diagnostic_map
from towns.models import (
    Country,
    CrossBorderArea,
    DataImport,
    Department,
    Intercommunality,
    Locality,
    Partner,
    Region,
    Town,
)
from workplan.models import DealTheme, Programme

PUBLISHED = Q(status=Status.PUBLISHED)


def _context(town: Town) -> dict:
    diagnostic = diagnostic_build(town=town)
    figure = map_figure_pdf(diagnostic_map(diagnostic))
    return {"town": town, "diagnostic": diagnostic, "pdf": True, "map_figure": figure}


def _title(town: Town) -> str:
    return _("Diagnostic of cross-border opportunities — %(town)s") % {"town": town.name}


DIAGNOSTIC = DocumentKind(
    name="diagnostic",
    label=_("Diagnostic"),
    model=Town,
    template="towns/pdf/diagnostic.html",
    key_field="insee_code",
    public=lambda: Town.objects.all(),
    load=lambda pk: Town.objects.with_relations().get(pk=pk),
    context=_context,
    title=_title,
    refresh_stored_only=True,
    depends_on=(
        # A diagnostic shows other towns (peers, members of its areas), so a town's change may concern any of them.
        Dependency(Town, everywhere=True, ignore=("search_key",)),
        Dependency(Department, everywhere=True, fields=("name",)),
        Dependency(Region, everywhere=True, fields=("name",)),
        Dependency(Intercommunality, everywhere=True, fields=("name",)),
        Dependency(Country, everywhere=True, fields=("name", "code")),
        Dependency(Locality, everywhere=True),
        Dependency(Partner, everywhere=True),
        Dependency(CrossBorderArea, everywhere=True),
        Dependency(DataImport, everywhere=True),  # the "as of" date
        Dependency(Theme, everywhere=True, fields=("name", "slug", "position", "deal_theme")),
        # Published records, or those whose publication just changed (a withdrawn one leaves the diagnostics).
        Dependency(Factsheet, everywhere=True, shown=PUBLISHED),
        Dependency(Mission, everywhere=True, shown=PUBLISHED),
        Dependency(NationalProgramme, everywhere=True, fields=("name",)),
        # A work programme's items are its rows (workplan.documents.PARTS): a changed item is a changed programme.
        # (A dependency on WorkItem itself would make every item save compare its fields: one query more each.)
        Dependency(Programme, everywhere=True, shown=PUBLISHED),
        Dependency(DealTheme, everywhere=True, fields=("name",)),
    ),
)

KINDS = (DIAGNOSTIC,)
