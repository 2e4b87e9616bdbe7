"""The language switcher links to a page of this site only, whatever path the visitor asked for (issue 11)."""

from html.parser import HTMLParser

import pytest
from django.utils.http import url_has_allowed_host_and_scheme

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    """The switcher's links and the ``<link rel="alternate">`` of the head: every tag with ``hreflang``."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: dict[str, list[str]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "hreflang" in attrs:
            self.links.setdefault(attrs["hreflang"], []).append(attrs["href"])


def _links(response) -> dict[str, list[str]]:
    return _Links(response.content.decode()).links


@pytest.mark.parametrize(
    "path_info",
    [
        "//evil.example/",  # the attack of the issue
        "//evil.example",
        "/\\evil.example",
        "/\\/evil.example/",
        "///evil",
        "///evil.example/",  # what /%2F%2Fevil.example/ decodes to
        "/%2F%2Fevil.example/",  # sent still quoted by a proxy
        "//evil.example/fr/",
        "/\t/evil.example/",
    ],
)
def test_a_404_for_a_path_that_looks_like_another_host_links_to_the_home_pages(client, path_info):
    # PATH_INFO as the server hands it over (the test client would read "//host/" as a host, not a path).
    response = client.get("/", PATH_INFO=path_info)
    assert response.status_code == 404
    links = _links(response)
    assert links == {"fr": ["/fr/", "/fr/"], "en": ["/en/", "/en/"]}
    assert "evil" not in response.content.decode()


def test_the_quoted_form_through_the_client(client):
    response = client.get("/%2F%2Fevil.example/")
    assert response.status_code == 404
    for urls in _links(response).values():
        for url in urls:
            assert url.startswith("/")
            assert not url.startswith(("//", "/\\"))
            assert url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def test_a_404_for_a_path_of_no_page_links_to_the_home_pages(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert _links(response) == {"fr": ["/fr/", "/fr/"], "en": ["/en/", "/en/"]}


def test_a_404_of_a_page_links_to_its_translation(client):
    response = client.get("/en/factsheets/no-such-factsheet/")
    assert response.status_code == 404
    assert _links(response)["fr"] == ["/fr/fiches-projet/no-such-factsheet/"] * 2


def test_a_page_links_to_its_translation_with_its_query(client):
    response = client.get("/fr/fiches-projet/", {"search": "pont", "page": "1"})
    assert _links(response)["en"] == ["/en/factsheets/?search=pont&page=1"] * 2
    assert _links(response)["fr"] == ["/fr/fiches-projet/?search=pont&page=1"] * 2


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("//evil.example/fr/", "/en/"),  # translate_url reads a host there and would keep it: //evil.example/en/
        ("/\\evil.example/fr/", "/en/"),
        ("https://evil.example/fr/", "/en/"),
        ("/fr/fiches-projet/?page=2", "/en/factsheets/?page=2"),
    ],
)
def test_only_a_path_of_this_site_is_kept_whatever_a_view_matched(path, expected):
    """The second guard, for a path a view matched but whose text a browser would read as another host."""
    from mot_portal.context_processors import _local_link

    assert _local_link(path, "en") == expected
