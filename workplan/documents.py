"""The PDF document of the workplan app: a work programme (its tree, badges and theme index), in French and in
English. Every programme shows every Cross-border Deal and transversal theme (the index lists them all)."""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from editorial.models import SOURCE_SHOWN, Source
from mot_portal.documents.registry import Dependency, DocumentKind
from workplan import selectors
from workplan.models import DealTheme, Programme, TransversalTheme

# The items of a programme belong to it: a change to one is a change to the programme.
PARTS = {"WorkItem": ("programme", ())}


def _programme_context(programme: Programme) -> dict:
    items = selectors.programme_items(programme=programme)
    deal_index: dict[int, list] = {}
    transversal_index: dict[str, list] = {}
    for item in items:
        for theme in item.deal_themes.all():
            deal_index.setdefault(theme.number, []).append(item)
        for theme in item.transversal_themes.all():
            transversal_index.setdefault(theme.slug, []).append(item)
    # Entries shown in French in this document's language (each is marked; the count heads the document).
    language = get_language() or settings.LANGUAGE_CODE
    fallback_count = (
        sum(1 for item in items if not getattr(item, f"text_{language}", None) and item.text_fr)
        if language != settings.LANGUAGE_CODE
        else 0
    )
    return {
        "programme": programme,
        "fallback_count": fallback_count,
        "axes": selectors.programme_tree(items=items),
        "deal_index": [(t, deal_index.get(t.number, [])) for t in DealTheme.objects.order_by("number")],
        "transversal_index": [
            (t, transversal_index.get(t.slug, [])) for t in TransversalTheme.objects.order_by("name")
        ],
    }


PROGRAMME = DocumentKind(
    name="programme",
    label=_("Work programme"),
    model=Programme,
    template="workplan/pdf/programme.html",
    key_field="year",
    public=lambda: Programme.objects.published(),
    load=lambda pk: Programme.objects.published().get(pk=pk),
    context=_programme_context,
    title=lambda programme: programme.title,
    depends_on=(
        Dependency(Programme),
        Dependency(Source, "sources", fields=SOURCE_SHOWN),
        Dependency(DealTheme, fields=("number", "name"), everywhere=True),
        Dependency(TransversalTheme, fields=("name", "slug"), everywhere=True),
    ),
)

KINDS = (PROGRAMME,)
