"""The PDF documents of the projects app: a factsheet, and a booklet (its published factsheets in order), in
French and in English. What each shows is declared here: any change to it refreshes the documents once."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from editorial.models import SOURCE_SHOWN, Source
from mot_portal.documents.registry import Dependency, DocumentKind
from mot_portal.publishing import Status
from projects import selectors
from projects.models import Booklet, Factsheet, Theme
from towns.models import Country, CrossBorderArea, Department, Partner, Town

# The rows that belong to a factsheet or a booklet: a change to one is a change to its record.
PARTS = {
    "FactsheetTown": ("factsheet", ()),
    "FactsheetPartner": ("factsheet", ()),
    "BookletEntry": ("booklet", ()),
}


def factsheet_names(prefix: str = "") -> tuple[Dependency, ...]:
    """What a factsheet shows of other records (names, and what orders them), reached from a document's object
    through ``prefix`` (``""`` from the factsheet itself, ``"entries__factsheet__"`` from a booklet)."""
    return (
        Dependency(Theme, f"{prefix}themes", fields=("name", "slug", "position")),
        Dependency(Country, f"{prefix}countries", f"{prefix}partner_roles__partner__country", fields=("name", "code")),
        Dependency(Town, f"{prefix}town_roles__town", fields=("name", "department", "latitude", "longitude")),
        Dependency(Department, f"{prefix}town_roles__town__department", fields=("name",)),
        Dependency(Partner, f"{prefix}partner_roles__partner", fields=("name", "country", "slug")),
        Dependency(CrossBorderArea, f"{prefix}cross_border_area", fields=("name", "latitude", "longitude")),
    )


def _booklet_context(booklet: Booklet) -> dict:
    factsheets = booklet.ordered_factsheets
    credits = [f for f in factsheets if f.photo_resized and f.photo_credit]
    return {"booklet": booklet, "factsheets": factsheets, "credited_factsheets": credits}


FACTSHEET = DocumentKind(
    name="factsheet",
    label=_("Factsheet"),
    model=Factsheet,
    template="projects/pdf/factsheet.html",
    key_field="slug",
    public=lambda: Factsheet.objects.published(),
    load=lambda pk: selectors.factsheet_list().get(pk=pk),
    context=lambda factsheet: {"factsheet": factsheet},
    title=lambda factsheet: factsheet.title,
    depends_on=(Dependency(Factsheet), *factsheet_names(), Dependency(Source, "sources", fields=SOURCE_SHOWN)),
)

BOOKLET = DocumentKind(
    name="booklet",
    label=_("Booklet"),
    model=Booklet,
    template="projects/pdf/booklet.html",
    key_field="slug",
    public=lambda: Booklet.objects.published(),
    load=lambda pk: selectors.booklet_get(pk=pk),
    context=_booklet_context,
    title=lambda booklet: booklet.title,
    depends_on=(
        Dependency(Booklet),
        Dependency(Source, "sources", fields=SOURCE_SHOWN),
        # Its published factsheets, every field (and a factsheet published or withdrawn joins or leaves it).
        Dependency(Factsheet, "entries__factsheet", shown=Q(status=Status.PUBLISHED)),
        *factsheet_names("entries__factsheet__"),
    ),
)

KINDS = (FACTSHEET, BOOKLET)
