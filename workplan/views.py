"""Public pages of the work programme."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string

from missions.selectors import workitem_missions
from mot_portal.cache import cached_per_version
from mot_portal.exports import downloads
from workplan import selectors
from workplan.api import ACTIVITY_LINES_EXPORT
from workplan.forms import ProgrammeFilterForm, activity_line_params
from workplan.models import DealTheme, Programme, TransversalTheme, WorkItem


def _programme(year: int) -> Programme:
    try:
        return selectors.programme_get(year=year)
    except Programme.DoesNotExist:
        raise Http404 from None


def programme_latest(request: HttpRequest) -> HttpResponse:
    programme = selectors.programme_list().first()
    if programme is None:
        return render(request, "workplan/programme_none.html", status=404)
    return redirect(programme)


def programme_detail(request: HttpRequest, year: int) -> HttpResponse:
    programme = _programme(year)
    deal_themes = list(DealTheme.objects.order_by("number"))
    transversal_themes = list(TransversalTheme.objects.order_by("name"))
    axes = programme.items.filter(kind=WorkItem.Kind.AXIS).order_by("position")
    form = ProgrammeFilterForm(
        request.GET or None, axes=axes, deal_themes=deal_themes, transversal_themes=transversal_themes
    )
    filters = form.filters() if form.is_bound else selectors.ProgrammeFilters()
    # The tree and its rendering depend only on the programme's records and the filters: worked out once per
    # content version of the work programme (the recursive templates were most of the page's cost).
    key = f"programme:{programme.pk}:{filters!r}"
    view = cached_per_version(
        f"{key}:view",
        ["workplan"],
        lambda: selectors.programme_view(programme=programme, filters=filters),
        language=False,
    )
    tree = cached_per_version(
        f"{key}:tree",
        ["workplan"],
        lambda: render_to_string(
            "workplan/_tree.html", {"programme": programme, "filters": filters, "view": view}, request=request
        ),
    )
    form.add_counts(view.facets)
    return render(
        request,
        "workplan/programme_detail.html",
        {
            "programme": programme,
            "form": form,
            "filters": filters,
            "view": view,
            "tree": tree,
            "deal_facets": [(t, view.facets["deal"][t.number]) for t in deal_themes],
            "transversal_facets": [(t, view.facets["transversal"][t.slug]) for t in transversal_themes],
            "axis_facets": [(a, view.facets["axis"][a.code]) for a in axes],
            "token_count": view.facets["token"]["token"],
            "other_programmes": selectors.programme_list().exclude(pk=programme.pk),
            "downloads": downloads(
                api_name="activityline-list",
                params=activity_line_params(year=programme.year, filters=filters),
                info=ACTIVITY_LINES_EXPORT,
            ),
        },
    )


def node_detail(request: HttpRequest, year: int, code: str) -> HttpResponse:
    programme = _programme(year)
    try:
        node, ancestors = selectors.node_get(programme=programme, code=code)
    except WorkItem.DoesNotExist:
        raise Http404 from None
    missions = workitem_missions(item=node.item)
    return render(
        request,
        "workplan/node_detail.html",
        {"programme": programme, "node": node, "ancestors": ancestors, "missions": missions},
    )


def theme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workplan/theme_list.html",
        {"deal_themes": selectors.deal_theme_list(), "transversal_themes": selectors.transversal_theme_list()},
    )


def deal_theme_detail(request: HttpRequest, number: int) -> HttpResponse:
    theme = get_object_or_404(DealTheme, number=number)
    items = selectors.theme_items(deal_theme=theme)
    return render(request, "workplan/theme_detail.html", {"theme": theme, "kind": "deal", "items": items})


def transversal_theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(TransversalTheme, slug=slug)
    items = selectors.theme_items(transversal_theme=theme)
    return render(request, "workplan/theme_detail.html", {"theme": theme, "kind": "transversal", "items": items})
