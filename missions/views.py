"""Public pages of support missions and their roadmaps, and the staff preview of drafts."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from missions import selectors
from missions.api import MISSIONS_EXPORT
from missions.filters import MissionPageFilter
from missions.maps import mission_map, mission_points
from missions.models import Mission
from mot_portal.exports import downloads
from mot_portal.facets import faceted_list
from support.selectors import retired_mission_service
from towns.maps import list_map

PAGE_SIZE = 20


def mission_list(request: HttpRequest) -> HttpResponse:
    filterset = MissionPageFilter(request.GET, queryset=selectors.mission_list())
    context = faceted_list(request, filterset=filterset, facets=selectors.FACETS, page_size=PAGE_SIZE)
    if filterset.is_valid():
        context["map"] = list_map(
            id="missions-map",
            layer="missions",
            url_name="map-missions",
            points=mission_points(filterset.qs, label=False),
            params=request.GET,
            describedby="mission-results",
        )
        context["downloads"] = downloads(api_name="mission-list", params=filterset.api_params(), info=MISSIONS_EXPORT)
    return render(request, "missions/mission_list.html", context)


def _mission_page(request: HttpRequest, mission: Mission, *, preview: bool, version: int | None = None):
    roadmaps = selectors.related(mission, "roadmaps")  # latest version first
    current = selectors.current_roadmap(mission)
    roadmap = current if version is None else next((r for r in roadmaps if r.version == version), None)
    if version is not None and roadmap is None:
        raise Http404
    context = {
        **selectors.mission_context(mission, roadmap),
        "preview": preview,
        "is_current_roadmap": roadmap is not None and roadmap is current,
        "other_roadmaps": [r for r in roadmaps if r is not roadmap],
        "map": mission_map(mission) if version is None else None,
    }
    template = "missions/mission_detail.html" if version is None else "missions/roadmap_detail.html"
    return render(request, template, context)


class Retired(Exception):
    """The mission's address was retired: its page is the service's now."""

    def __init__(self, url: str) -> None:
        self.url = url


def _get(slug: str, *, include_drafts: bool = False) -> Mission:
    try:
        return selectors.mission_get(slug=slug, include_drafts=include_drafts)
    except Mission.DoesNotExist:
        _raise_if_retired(slug)
        raise Http404 from None


def _raise_if_retired(slug: str) -> None:
    # One query, and only on a 404: the 2020 offer items became services of the offer (support.RetiredMission).
    service = retired_mission_service(mission_slug=slug)
    if service is not None:
        raise Retired(service.get_absolute_url())


def _redirect_retired(view):
    """A retired mission's address (its page, preview or roadmap) answers 301 to its service's page, in the
    same language."""

    def wrapped(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
        try:
            return view(request, slug, **kwargs)
        except Retired as retired:
            return HttpResponsePermanentRedirect(retired.url)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_redirect_retired
def mission_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _mission_page(request, _get(slug), preview=False)


@_redirect_retired
def roadmap_detail(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    return _mission_page(request, _get(slug), preview=False, version=version)


@_redirect_retired
def mission_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """A draft as the public would see it (with draft roadmap versions): staff only, never cached or indexed. A
    retired address redirects before the login is asked for (it has no draft to show)."""
    if not request.user.is_active or not request.user.is_staff:
        _raise_if_retired(slug)
    return _staff_preview(request, slug)


@staff_member_required
def _staff_preview(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.has_perm("missions.view_mission"):
        raise PermissionDenied
    response = _mission_page(request, _get(slug, include_drafts=True), preview=True)
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
