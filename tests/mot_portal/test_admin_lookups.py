"""Bad query strings on the admin's list pages: never a 500 (issue 11). Django's admin answers a bad lookup by
going back to the unfiltered list (``?e=1``); a ``SimpleListFilter`` of ours ignores a value it cannot use."""

import pytest
from django.contrib import admin

from tests.missions.fixtures import missions  # noqa: F401

pytestmark = pytest.mark.django_db

# Every admin: ours and the third-party ones (users, tokens, login attempts, API keys, stored documents).
APPS = {
    "towns",
    "projects",
    "workplan",
    "missions",
    "support",
    "auth",
    "authtoken",
    "documents",
    "apikeys",
    "axes",
    "editorial",
}
BAD_VALUES = ["\x00", "²", "9" * 30, "-1", "x\n"]


def _list_pages():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in APPS:
            yield f"/en/admin/{model._meta.app_label}/{model._meta.model_name}/", model_admin


def _parameters(client, url: str, model_admin) -> set[str]:
    """Every query parameter the list page reads: its filters' (those with choices to show and our own
    ``SimpleListFilter``s, shown or not), the search, the ordering and the page."""
    response = client.get(url)
    assert response.status_code == 200, url
    names = {"q", "o", "p", "all"}
    for spec in response.context["cl"].filter_specs:
        names.update(spec.expected_parameters())
    for entry in model_admin.list_filter:
        if isinstance(entry, type) and issubclass(entry, admin.SimpleListFilter):
            names.add(entry.parameter_name)
    return names


def test_the_two_500s_of_the_issue(admin_client, missions):  # noqa: F811
    url = "/en/admin/missions/mission/"
    # "²" is a digit for str.isdigit() but not for int(): the year filter ignores it.
    response = admin_client.get(url, {"year": "²"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3
    assert admin_client.get(url, {"year": "2022"}).context["cl"].result_count == 2
    # NUL cannot reach PostgreSQL: the list goes back to the unfiltered one, as for any bad lookup.
    response = admin_client.get(url, {"town": "\x00"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"
    assert admin_client.get(response["Location"]).status_code == 200
    assert admin_client.get(url, {"town": missions.towns[0].insee_code}).context["cl"].result_count == 2
    assert admin_client.get(url, {"town": "2A004\n"}).context["cl"].result_count == 3  # no INSEE code: ignored


def test_every_admin_list_is_covered(admin_client):
    assert {model._meta.app_label for model in admin.site._registry} <= APPS


@pytest.mark.parametrize("path", ["documents/storeddocument", "axes/accessattempt", "apikeys/consumerkey", "auth/user"])
def test_a_nul_character_in_a_third_party_admin_goes_back_to_the_list(admin_client, path):
    url = f"/en/admin/{path}/"
    response = admin_client.get(url, {"kind": "\x00", "q": "a\x00b"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_no_bad_value_of_any_parameter_of_any_list_page_is_a_server_error(admin_client, missions):  # noqa: F811
    failures = []
    for url, model_admin in _list_pages():
        for name in sorted(_parameters(admin_client, url, model_admin)):
            for value in BAD_VALUES:
                response = admin_client.get(url, {name: value})
                if response.status_code != 200 and not (
                    response.status_code == 302 and response["Location"] == f"{url}?e=1"
                ):
                    failures.append((url, name, value, response.status_code))
                if "\x00" in value:
                    assert response.status_code == 302, (url, name)  # refused before any query, on any database
    assert failures == []


def test_every_admin_of_the_portal_refuses_nul(admin_client):
    refused = {url: admin_client.get(url, {"q": "\x00"}) for url, _model_admin in _list_pages()}
    assert {url: (r.status_code, r["Location"]) for url, r in refused.items()} == {
        url: (302, f"{url}?e=1") for url in refused
    }
