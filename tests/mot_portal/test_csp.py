"""Content-Security-Policy on every page type (issue 11): present, no inline script allowed, and nothing in the
page that the policy would block (the HTML is parsed: inline scripts, ``on*`` handlers, ``javascript:`` links,
inline styles where the policy refuses them)."""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from mot_portal.csp import admin_editor_sources, exception_for
from mot_portal.publishing import Status, status_change
from projects.models import Booklet, BookletEntry
from tests.conftest import localized_url
from tests.factories import CrossBorderAreaFactory
from tests.missions.fixtures import missions  # noqa: F401

pytestmark = pytest.mark.django_db

JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript", "importmap"}


def sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def policy(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def allows(directives: dict, names: tuple[str, ...], source: str) -> bool:
    """Whether the first of ``names`` the policy has (CSP's fallback order, ending with default-src) allows it."""
    for name in (*names, "default-src"):
        if name in directives:
            return source in directives[name]
    return True


class _Blocked(HTMLParser):
    """What in a page the policy would block: inline scripts, handlers, javascript: URLs, inline styles."""

    def __init__(self, directives: dict) -> None:
        super().__init__(convert_charrefs=True)
        self.directives = directives
        self.blocked: list[str] = []
        self._in_inline_script = False
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.blocked.append(f"<{tag} {name}=javascript:…>")
        inline_style = allows(self.directives, ("style-src-attr", "style-src"), "'unsafe-inline'")
        if "style" in attrs and not inline_style:
            self.blocked.append(f"<{tag} style={attrs['style']!r}>")
        if tag == "script":
            kind = (attrs.get("type") or "").strip().lower()
            self._in_inline_script = "src" not in attrs and kind in JAVASCRIPT_TYPES
            if "src" in attrs and not attrs["src"].startswith("/"):
                self.blocked.append(f"<script src={attrs['src']!r}> (another host)")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        allowed_by_hash = sha256(data) in self.directives.get("script-src", set())
        if self._in_inline_script and data.strip() and not allowed_by_hash:
            self.blocked.append(f"<script>{data.strip()[:60]}…</script>")
        inline_elements = allows(self.directives, ("style-src-elem", "style-src"), "'unsafe-inline'")
        if self._in_style and data.strip() and not inline_elements:
            self.blocked.append(f"<style>{data.strip()[:60]}…</style>")


def assert_policy_holds(response) -> None:
    assert response.status_code in {200, 404}, response.status_code
    directives = policy(response)
    for name in ("script-src", "default-src"):
        assert "'unsafe-inline'" not in directives.get(name, set())
        assert "'unsafe-eval'" not in directives.get(name, set())
    # Only the admin's rich-text editor has one inline script, its import map, allowed by its hash (mot_portal/csp.py).
    editor_map = set(admin_editor_sources()["script-src"]) if "/admin/" in response.request["PATH_INFO"] else set()
    assert directives["script-src"] in ({"'self'"}, editor_map)
    assert directives["object-src"] == {"'none'"}
    assert directives["frame-ancestors"] == {"'none'"}
    if "html" in response["Content-Type"]:
        parser = _Blocked(directives)
        parser.feed(response.content.decode())
        assert parser.blocked == []


@pytest.fixture
def site(missions):  # noqa: F811
    """One published record of every kind with a page."""
    booklet = Booklet.objects.create(slug="livret", title_fr="Le livret")
    BookletEntry.objects.create(booklet=booklet, factsheet=missions.care, position=1)
    status_change(obj=booklet, status=Status.PUBLISHED)
    area = CrossBorderAreaFactory(slug="espace", towns=missions.towns[:1])
    town = missions.towns[0]
    cache.clear()
    return {
        "home": localized_url("home", "fr"),
        "credits": localized_url("credits", "en"),
        "towns": localized_url("towns:town_list", "fr"),
        "town": localized_url("towns:town_detail", "fr", insee_code=town.insee_code),
        "intercommunality": localized_url("towns:intercommunality_detail", "en", siren=town.intercommunality.siren),
        "partners": localized_url("towns:partner_list", "en"),
        "partner": localized_url("towns:partner_detail", "en", slug="mairie"),
        "areas": localized_url("towns:area_list", "fr"),
        "area": localized_url("towns:area_detail", "fr", slug=area.slug),
        "factsheets": localized_url("projects:factsheet_list", "en"),
        "factsheet": localized_url("projects:factsheet_detail", "en", slug="maison-de-sante"),
        "booklets": localized_url("projects:booklet_list", "fr"),
        "booklet": localized_url("projects:booklet_detail", "fr", slug="livret"),
        "missions": localized_url("missions:mission_list", "en"),
        "mission": localized_url("missions:mission_detail", "en", slug="mission-flash"),
        "roadmap": localized_url("missions:roadmap_detail", "en", slug="mission-flash", version=1),
        "programme": localized_url("workplan:programme", "en", year=2025),
        "programme node": localized_url("workplan:node", "en", year=2025, code="3.1.1"),
        "programme themes": localized_url("workplan:theme_list", "fr"),
        "404": "/en/no-such-page/",
        "404 outside a language": "/no-such-page/",
        "admin login": "/en/admin/login/",
        "API root (browsable)": "/api/v1/",
        "API list (browsable)": "/api/v1/factsheets/",
        "API list (JSON)": "/api/v1/factsheets/?format=json",
        "Swagger UI": "/api/v1/docs/",
        "Swagger UI init script": "/api/v1/docs/?script=",
        "ReDoc": "/api/v1/redoc/",
    }


def test_every_public_page_type_and_the_api_docs(client, site):
    for name, url in site.items():
        response = client.get(url, HTTP_ACCEPT="text/html" if "JSON" not in name else "application/json")
        assert "Content-Security-Policy" in response, name
        try:
            assert_policy_holds(response)
        except AssertionError as error:
            raise AssertionError(f"{name} ({url}): {error}") from error


def test_our_own_pages_need_no_exception_at_all(client, site):
    """Our templates have no inline style either: their pages get the policy as it is."""
    for name in ("home", "factsheet", "mission", "programme", "404"):
        response = client.get(site[name])
        assert exception_for(response.request["PATH_INFO"]) is None
        directives = policy(response)
        assert directives["style-src"] == {"'self'"}
        assert "style-src-attr" not in directives


def test_the_admin_pages(client, staff_editor, missions):  # noqa: F811
    client.force_login(staff_editor)
    for url in (
        "/en/admin/",
        "/en/admin/projects/factsheet/",
        f"/en/admin/projects/factsheet/{missions.care.pk}/change/",  # modeltranslation's tabs, inlines, widgets
        f"/en/admin/missions/mission/{missions.flash.pk}/change/",
        "/en/admin/projects/theme/",  # list_editable
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_policy_holds(response)
        assert policy(response)["style-src"] == {"'self'"}  # <style> elements stay refused…
        # … but the one the editor (tiptap) inserts, allowed by its hash
        assert policy(response)["style-src-elem"] == set(admin_editor_sources()["style-src-elem"])
        assert len(admin_editor_sources()["style-src-elem"]) == 2


def test_the_editor_import_map_is_allowed_by_its_hash_only(client, staff_editor, missions):  # noqa: F811
    client.force_login(staff_editor)
    response = client.get(f"/fr/admin/projects/factsheet/{missions.care.pk}/change/")
    html = response.content.decode()
    assert '<script type="importmap">' in html
    directives = policy(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert len(directives["script-src"]) == 2  # 'self' and the import map's hash
    parser = _Blocked(directives)
    parser.feed(html)
    assert parser.blocked == []  # the import map is checked (and passes) by its hash
    parser = _Blocked({**directives, "script-src": {"'self'"}})
    parser.feed(html)
    assert [blocked for blocked in parser.blocked if "django-prose-editor" in blocked]  # without it: blocked


def test_the_browsable_api_with_a_staff_session_and_a_token(client, staff_editor, missions):  # noqa: F811
    client.force_login(staff_editor)
    response = client.get("/api/v1/factsheets/maison-de-sante/", HTTP_ACCEPT="text/html")
    assert "<form" in response.content.decode()  # the staff's edit forms
    assert_policy_holds(response)
    token = Token.objects.create(user=staff_editor)
    response = client.get("/api/v1/missions/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert_policy_holds(response)


def test_the_checker_sees_what_the_policy_would_block():
    """The HTML check itself: each of these would run (or style) despite the policy."""
    strict = {"default-src": {"'self'"}, "script-src": {"'self'"}, "style-src": {"'self'"}}
    for html in (
        "<script>alert(1)</script>",
        '<script type="text/javascript">alert(1)</script>',
        '<a href="#" onclick="alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<p style="color:red">x</p>',
        "<style>p { color: red }</style>",
        '<script src="https://cdn.example/x.js"></script>',
    ):
        parser = _Blocked(strict)
        parser.feed(html)
        assert parser.blocked, html
    parser = _Blocked(strict)
    parser.feed('<script src="/static/x.js"></script><script type="application/json" id="d">{"a": 1}</script>')
    assert parser.blocked == []


def test_the_browsable_api_highlighting_file_is_what_drf_would_inline():
    """static/css/api-highlight.css replaces DRF's inline ``<style>``: it must stay the same styles."""
    from django.conf import settings
    from rest_framework.compat import pygments_css
    from rest_framework.renderers import BrowsableAPIRenderer

    css = pygments_css(BrowsableAPIRenderer.code_style)
    if css is None:
        pytest.skip("Pygments is not installed: DRF highlights nothing")
    assert (settings.BASE_DIR / "static" / "css" / "api-highlight.css").read_text() == css + "\n"


@pytest.mark.parametrize(
    "path", ["/fr/", "/static/css/portal.css", "/api/v1/themes/", "/api/v1/redoc/", "/en/admin/login/"]
)
def test_the_header_built_once_is_the_policy_django_csp_builds(client, path):
    """The header is built once per exception (not per response): the same one django-csp builds for the page."""
    from csp.utils import build_policy

    from mot_portal.csp import exception_for

    response = client.get(path)
    assert response["Content-Security-Policy"] == build_policy(update=exception_for(path))
