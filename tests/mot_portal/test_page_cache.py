"""The page cache: anonymous reads served from the cache, never stale, never personal (mot_portal/cache.py)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from missions.services import mission_publication_change, mission_update
from mot_portal.cache import HIT_HEADER, PageCacheMiddleware, cached_per_version
from mot_portal.publishing import Status, status_change
from projects.services import booklet_update, factsheet_update
from tests.conftest import localized_url
from towns.services import area_update, partner_update, town_update
from workplan.models import WorkItem

pytestmark = pytest.mark.django_db


# A Redis nothing listens on, configured as the settings do (errors ignored, short timeouts).
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
    }
}


@pytest.fixture(autouse=True)
def page_cache_on(settings, empty_cache):
    settings.PAGE_CACHE_SECONDS = settings.PART_CACHE_SECONDS = 600


def committed(callbacks_fixture, edit):
    """Run ``edit`` as a committed transaction (its on-commit hand-over runs, as outside tests)."""
    with callbacks_fixture(execute=True):
        edit()


def test_a_second_anonymous_read_is_served_from_the_cache_without_a_query(client, catalogue, django_assert_num_queries):
    url = localized_url("projects:factsheet_detail", "en", slug="maison-de-sante")
    first = client.get(url)
    assert first.status_code == 200
    assert first[HIT_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second[HIT_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Language"] == "en"
    assert "public" in second["Cache-Control"]
    assert "no-cache" in second["Cache-Control"]


def test_conditional_get_answers_304_on_etag_and_on_last_modified(client, catalogue):
    url = localized_url("projects:factsheet_list", "fr")
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_the_query_string_and_the_language_are_part_of_the_key(client, catalogue):
    url = localized_url("projects:factsheet_list", "en")
    assert b"Cross-border health centre" in client.get(url).content
    only_germany = client.get(url, {"country": "DE"})
    assert only_germany[HIT_HEADER] == "miss"
    assert b"Cross-border health centre" not in only_germany.content
    french = client.get("/api/v1/themes/", headers={"Accept-Language": "fr"}).json()
    english = client.get("/api/v1/themes/", headers={"Accept-Language": "en"}).json()
    assert {theme["name"] for theme in french["results"]} >= {"Santé"}
    assert {theme["name"] for theme in english["results"]} >= {"Health"}
    assert client.get("/api/v1/themes/", {"lang": "en"}).json()["results"] == english["results"]


def test_a_forbidden_host_is_refused_before_the_cache(client, catalogue):
    url = localized_url("projects:factsheet_list", "fr")
    client.get(url)
    assert client.get(url, headers={"Host": "evil.example"}).status_code == 400


# --- Never stale: an edit of each kind shows on the next request ----------------------------------------------------


def _factsheet(c):
    factsheet_update(factsheet=c.care, fields={"title_en": "Renamed health centre"})
    return localized_url("projects:factsheet_detail", "en", slug="maison-de-sante"), "Renamed health centre"


def _factsheet_list(c):
    factsheet_update(factsheet=c.care, fields={"title_en": "Renamed health centre"})
    return localized_url("projects:factsheet_list", "en"), "Renamed health centre"


def _factsheet_api(c):
    factsheet_update(factsheet=c.care, fields={"title_en": "Renamed health centre"})
    return "/api/v1/factsheets/?lang=en", "Renamed health centre"


def _booklet(c):
    booklet_update(booklet=c.booklet, fields={"title_en": "The renamed booklet"})
    return localized_url("projects:booklet_detail", "en", slug="livret"), "The renamed booklet"


def _booklet_content(c):
    # The booklet page lists its factsheets: a factsheet's new title shows on it.
    factsheet_update(factsheet=c.carpool, fields={"title_en": "Carpooling, renamed"})
    return localized_url("projects:booklet_detail", "en", slug="livret"), "Carpooling, renamed"


def _mission(m):
    mission_update(mission=m.flash, fields={"title_en": "A renamed flash mission"})
    return localized_url("missions:mission_detail", "en", slug=m.flash.slug), "A renamed flash mission"


def _town(c):
    town = c.towns[0]
    town_update(town=town, fields={"name": "Ville-Renommée"})
    return localized_url("towns:town_detail", "fr", insee_code=town.insee_code), "Ville-Renommée"


def _partner(c):
    partner_update(partner=c.partner, fields={"name_en": "Mons general hospital"})
    return localized_url("towns:partner_detail", "en", slug=c.partner.slug), "Mons general hospital"


def _area(c):
    from tests.factories import CrossBorderAreaFactory

    area = CrossBorderAreaFactory(slug="eurometropole", name_fr="Eurométropole", name_en="Eurometropolis")
    url = localized_url("towns:area_detail", "en", slug=area.slug)
    return url, lambda: area_update(area=area, fields={"name_en": "Renamed Eurometropolis"}), "Renamed Eurometropolis"


def _programme(m):
    item = WorkItem.objects.nodes().get(programme__year=2025, code="3.1.1")
    item.text_en = "A renamed action"
    item.save()  # the admin's inline saves it this way
    return localized_url("workplan:node", "en", year=2025, code="3.1.1"), "A renamed action"


# kind: (fixture, the URL read before the edit, the edit giving back the URL and the new text)
EDITS = {
    "factsheet page": ("catalogue", lambda c: localized_url("projects:factsheet_detail", "en", slug="maison-de-sante"),
                       _factsheet),
    "factsheet list": ("catalogue", lambda c: localized_url("projects:factsheet_list", "en"), _factsheet_list),
    "factsheets API": ("catalogue", lambda c: "/api/v1/factsheets/?lang=en", _factsheet_api),
    "booklet page": ("catalogue", lambda c: localized_url("projects:booklet_detail", "en", slug="livret"), _booklet),
    "booklet page, a factsheet in it": (
        "catalogue", lambda c: localized_url("projects:booklet_detail", "en", slug="livret"), _booklet_content),
    "town page": ("catalogue", lambda c: localized_url("towns:town_detail", "fr", insee_code=c.towns[0].insee_code),
                  _town),
    "partner page": ("catalogue", lambda c: localized_url("towns:partner_detail", "en", slug=c.partner.slug),
                     _partner),
    "mission page": ("missions", lambda m: localized_url("missions:mission_detail", "en", slug=m.flash.slug),
                     _mission),
    "programme item page": (
        "missions", lambda m: localized_url("workplan:node", "en", year=2025, code="3.1.1"), _programme),
}  # fmt: skip


@pytest.mark.parametrize("kind", EDITS)
def test_an_edit_shows_on_the_next_request(client, request, django_capture_on_commit_callbacks, kind):
    fixture, before, edit = EDITS[kind]
    data = request.getfixturevalue(fixture)
    url = before(data)
    assert client.get(url).status_code == 200
    assert client.get(url)[HIT_HEADER] == "hit"
    results = {}
    committed(django_capture_on_commit_callbacks, lambda: results.update(zip(("url", "text"), edit(data), strict=True)))
    assert results["url"] == url
    after = client.get(url)
    assert after[HIT_HEADER] == "miss"
    assert results["text"] in after.content.decode()


def test_an_area_edit_shows_on_the_next_request(client, catalogue, django_capture_on_commit_callbacks):
    url, edit, text = _area(catalogue)
    client.get(url)
    assert client.get(url)[HIT_HEADER] == "hit"
    committed(django_capture_on_commit_callbacks, edit)
    assert text in client.get(url).content.decode()


def test_unpublishing_removes_the_page_at_once(client, missions, django_capture_on_commit_callbacks):
    url = localized_url("missions:mission_detail", "en", slug=missions.flash.slug)
    assert client.get(url).status_code == 200
    assert client.get(url)[HIT_HEADER] == "hit"
    committed(
        django_capture_on_commit_callbacks,
        lambda: mission_publication_change(mission=missions.flash, status=Status.DRAFT),
    )
    assert client.get(url).status_code == 404


def test_publishing_a_draft_shows_it_at_once(client, catalogue, django_capture_on_commit_callbacks):
    url = localized_url("projects:factsheet_list", "en")
    assert b"Secret draft" not in client.get(url).content
    assert client.get(url)[HIT_HEADER] == "hit"
    committed(django_capture_on_commit_callbacks, lambda: status_change(obj=catalogue.draft, status=Status.PUBLISHED))
    assert b"Secret draft" in client.get(url).content


def test_a_rolled_back_edit_keeps_the_cached_page(client, catalogue):
    from django.db import transaction

    url = localized_url("projects:factsheet_detail", "en", slug="maison-de-sante")
    client.get(url)

    def edit_then_fail():
        with transaction.atomic():
            factsheet_update(factsheet=catalogue.care, fields={"title_en": "Never committed"})
            raise RuntimeError

    with pytest.raises(RuntimeError):
        edit_then_fail()
    response = client.get(url)
    assert response[HIT_HEADER] == "hit"
    assert b"Never committed" not in response.content


# --- Never personal ------------------------------------------------------------------------------------------------


def test_staff_pages_are_never_cached_nor_served_from_the_cache(client, catalogue, staff_editor):
    url = localized_url("projects:factsheet_detail", "en", slug="maison-de-sante")
    client.get(url)  # an anonymous visitor fills the cache
    client.force_login(staff_editor)
    response = client.get(url)
    assert HIT_HEADER not in response
    assert client.get(reverse("projects:factsheet_preview", kwargs={"slug": "brouillon-secret"})).status_code == 200
    client.logout()
    assert client.get(url)[HIT_HEADER] == "hit"


def test_what_staff_see_never_enters_the_cache(client, catalogue, staff_editor):
    url = localized_url("projects:factsheet_list", "en")
    client.force_login(staff_editor)
    client.get(url)
    client.get(localized_url("projects:factsheet_preview", "en", slug="brouillon-secret"))
    client.logout()
    assert client.get(url)[HIT_HEADER] == "miss"  # the staff request stored nothing


def test_authenticated_api_clients_bypass_the_cache(client, catalogue, staff_editor):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=staff_editor)
    client.get("/api/v1/factsheets/")
    response = client.get("/api/v1/factsheets/", headers={"Authorization": f"Token {token.key}"})
    assert HIT_HEADER not in response
    assert "brouillon-secret" in response.content.decode()  # staff see drafts: such a response is never shared
    assert "brouillon-secret" not in client.get("/api/v1/factsheets/").content.decode()


def test_responses_that_set_a_cookie_or_are_private_are_not_stored(settings):
    factory = RequestFactory()

    def with_cookie(request):
        response = HttpResponse("form with a token")
        response.set_cookie("csrftoken", "x")
        return response

    def private(request):
        response = HttpResponse("private")
        response["Cache-Control"] = "private"
        return response

    for view in (with_cookie, private):
        middleware = PageCacheMiddleware(view)
        middleware(factory.get("/fr/"))
        assert HIT_HEADER not in middleware(factory.get("/fr/"))


def test_a_cache_that_does_not_answer_never_breaks_a_page(client, catalogue, settings):
    """Redis unreachable (a port nothing listens on): pages are computed, not a 500."""
    settings.CACHES = UNREACHABLE_REDIS  # Django's test signals reset the cache handler
    url = localized_url("projects:factsheet_detail", "en", slug="maison-de-sante")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200


def test_parts_are_computed_once_per_content_version(catalogue, django_capture_on_commit_callbacks):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_per_version("test-part", ["projects"], compute) == 1
    assert cached_per_version("test-part", ["projects"], compute) == 1
    committed(
        django_capture_on_commit_callbacks,
        lambda: factsheet_update(factsheet=catalogue.care, fields={"title_en": "Renamed"}),
    )
    assert cached_per_version("test-part", ["projects"], compute) == 2
    assert cached_per_version("test-part", ["towns"], compute) == 3  # another kind, its own entry


# --- Parts computed once per content version (the page cache off) -------------------------------------------------


def test_the_programme_tree_is_built_once_per_version(client, missions, settings, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    url = localized_url("workplan:programme", "en", year=2025)
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url).content.decode()
    assert second == first
    assert '<details class="node node-axis"' in second  # the stored HTML is not escaped again
    assert len(second_queries) < len(first_queries)
    item = WorkItem.objects.nodes().get(programme__year=2025, code="1")
    committed(django_capture_on_commit_callbacks, lambda: _rename(item, "A renamed axis"))
    assert "A renamed axis" in client.get(url).content.decode()
    filtered = client.get(url, {"token": "on"}).content.decode()
    assert filtered != second  # the filters are part of the key


def _rename(item, text):
    item.text_en = text
    item.save()


def test_the_home_figures_are_counted_once_per_version(client, catalogue, settings, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as first_queries:
        client.get("/en/")
    with CaptureQueriesContext(connection) as second_queries:
        before = client.get("/en/")
    assert len(second_queries) < len(first_queries)
    assert before.context["factsheet_count"] == 2
    committed(django_capture_on_commit_callbacks, lambda: status_change(obj=catalogue.draft, status=Status.PUBLISHED))
    assert client.get("/en/").context["factsheet_count"] == 3


def test_facet_counts_are_counted_once_per_version(client, catalogue, settings, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    url = localized_url("projects:factsheet_list", "en")
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url, {"theme": "health"})
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url, {"theme": "health", "page": "1"})  # same filters, another page
    assert len(second_queries) <= len(first_queries) - 5  # one query per facet saved
    assert second.context["facets"] == first.context["facets"]
    belgium = {value.value: value.count for value in second.context["facets"]["country"]}
    assert belgium == {"BE": 1}
    committed(django_capture_on_commit_callbacks, lambda: status_change(obj=catalogue.draft, status=Status.PUBLISHED))
    after = client.get(url, {"theme": "health"}).context["facets"]
    assert {value.value: value.count for value in after["country"]} == {"BE": 2}
    other = client.get(url, {"theme": "mobility"}).context["facets"]  # other filters: their own counts
    assert {value.value: value.count for value in other["country"]} == {"DE": 1}


def test_with_the_cache_unreachable_the_version_is_never_the_same_twice(settings):
    """Tokens unreadable: no constant version that pages could be kept under while edits go unseen."""
    from mot_portal import changes

    settings.CACHES = UNREACHABLE_REDIS  # Django's test signals reset the cache handler
    assert changes.content_version("site") != changes.content_version("site")
