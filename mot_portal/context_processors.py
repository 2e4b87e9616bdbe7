from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info


def language_links(request: HttpRequest) -> dict:
    """Links to the current page in every language, so the switcher works without JavaScript."""
    # A path that names no page (a 404 before any view) has no translation: the home pages stand in for it.
    path = request.get_full_path() if getattr(request, "resolver_match", None) else None
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append({"code": code, "name": info["name_local"], "url": _local_link(path, code)})
    return {"language_links": links}


def _local_link(path: str | None, code: str) -> str:
    """The page in ``code``, or the home page in ``code``; always a path on this site.

    The requested path is the visitor's: ``//evil.example/`` written back as is would be a link to another host
    (and ``translate_url`` reads ``//evil.example/fr/`` as a host and a path). Only a path with no host and no
    scheme, whatever slashes and backslashes a browser turns into one, is kept."""
    url = translate_url(path, code) if path else ""
    if url.startswith("/") and not url.startswith(("//", "/\\")) and url_has_allowed_host_and_scheme(url, None):
        return url
    with translation.override(code):
        return reverse("home")
