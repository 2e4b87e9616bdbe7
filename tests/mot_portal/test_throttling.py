"""The API resists abuse (issue 11): per-client rates from settings, a stricter rate for large anonymous pages,
``429`` with ``Retry-After``, API keys issued by staff with their own rate (reads only), and a page-size cap.

Every request varies its query string, so that no cache in front of the views answers it."""

import itertools
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token

from mot_portal.apikeys.models import ConsumerKey
from projects.models import Theme

pytestmark = pytest.mark.django_db

counter = itertools.count()


@pytest.fixture(autouse=True)
def rates(settings):
    """Small rates, fresh counters (the throttles keep their counts in the "throttle" cache)."""
    from django.core.cache import caches

    cache.clear()
    caches["throttle"].clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "3/minute",
            "user": "4/minute",
            "heavy": "2/minute",
            "page_script": "5/minute",
        },
    }
    yield
    cache.clear()
    caches["throttle"].clear()


def _get(client, path="/api/v1/themes/", **extra):
    """A read that no cache can answer (a new query string each time)."""
    separator = "&" if "?" in path else "?"
    return client.get(f"{path}{separator}n={next(counter)}", **extra)


def _key(**fields) -> str:
    _record, key = ConsumerKey.objects.create_key(name="Observatory", **fields)
    return key


def test_anonymous_over_the_rate_gets_429_with_retry_after(client):
    assert [_get(client).status_code for _ in range(3)] == [200, 200, 200]
    response = _get(client, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Request was throttled" in response.json()["detail"]
    # Another address has its own budget.
    assert _get(client, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_the_pages_scripts_have_a_budget_of_their_own(client):
    """Map layers and town suggestions (asked for by the pages' scripts) count against "page_script", not "anon":
    browsing map pages does not use up the address's API budget, and the reverse."""
    assert [_get(client).status_code for _ in range(3)] == [200, 200, 200]
    assert _get(client).status_code == 429  # the "anon" budget is spent
    script_paths = ["/api/v1/map/towns/", "/api/v1/towns/suggest/?q=metz", "/api/v1/map/localities/"]
    answers = [_get(client, script_paths[i % 3]).status_code for i in range(5)]
    assert answers == [200] * 5
    assert _get(client, "/api/v1/map/areas/").status_code == 429  # its own budget (5/minute) is spent too
    assert _get(client, "/api/v1/map/areas/", REMOTE_ADDR="198.51.100.7").status_code == 200


def test_forwarded_for_does_not_give_a_fresh_budget(client):
    """Without a trusted proxy, a client that varies X-Forwarded-For is still one client."""
    statuses = [_get(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_budget(client, settings):
    """TRUSTED_PROXY=true gives NUM_PROXIES=1 (tests/mot_portal/test_login_protection.py): the right-most
    X-Forwarded-For address is the client, whatever the client wrote on its left."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    spoofed = [_get(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7", **proxy).status_code for n in range(4)]
    assert spoofed == [200, 200, 200, 429]
    assert _get(client, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 200


def test_a_key_holder_has_its_own_rate(client):
    key = _key(rate="6/minute")
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    assert [_get(client, **auth).status_code for _ in range(6)] == [200] * 6
    throttled = _get(client, **auth)
    assert throttled.status_code == 429
    assert "Retry-After" in throttled
    # The address's anonymous budget is untouched by the key's requests.
    assert _get(client).status_code == 200


def test_a_key_holder_may_ask_for_large_pages(client):
    key = _key(rate="6/minute")
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    assert [_get(client, "/api/v1/themes/?page_size=100", **auth).status_code for _ in range(4)] == [200] * 4


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"revoked": True}, "This API key is unknown or has been revoked."),
        ({"expiry_date": timezone.now() - timedelta(days=1)}, "This API key has expired."),
    ],
)
def test_a_revoked_or_expired_key_is_refused(client, fields, message):
    key = _key(**fields)
    response = _get(client, HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == message


@pytest.mark.parametrize("key", ["nothing-like-a-key", "abc.def", "a\x00b.c", "x" * 500])
def test_an_unknown_key_is_refused(client, key):
    response = _get(client, HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key is unknown or has been revoked."


def test_a_key_grants_no_write(client):
    Theme.objects.create(slug="health", name_fr="Santé", position=1)
    key = _key(rate="100/minute")
    response = client.patch(
        "/api/v1/themes/health/",
        {"name_fr": "Autre"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {key}",
    )
    assert response.status_code == 403
    assert Theme.objects.get().name_fr == "Santé"


def test_staff_token_writes_are_not_held_by_the_anonymous_budget(client, staff_editor):
    Theme.objects.create(slug="health", name_fr="Santé", position=1)
    while _get(client).status_code == 200:
        pass
    token = Token.objects.create(user=staff_editor)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    for n in range(4):
        response = client.patch(
            f"/api/v1/themes/health/?n={n}", {"name_fr": f"Santé {n}"}, content_type="application/json", **auth
        )
        assert response.status_code == 200, response.content
    # Staff have a rate too ("user"), counted per account.
    assert (
        client.patch("/api/v1/themes/health/", {"name_fr": "X"}, content_type="application/json", **auth).status_code
        == 429
    )


def test_large_anonymous_pages_have_a_stricter_rate(client, settings):
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] = "10/minute"
    assert settings.THROTTLE_HEAVY_PAGE_SIZE == 50
    assert [_get(client, "/api/v1/themes/?page_size=100").status_code for _ in range(3)] == [200, 200, 429]
    # Pages of the default size still pass.
    assert _get(client, "/api/v1/themes/?page_size=50").status_code == 200


# --- Page size ------------------------------------------------------------------------------------------------------


@pytest.fixture
def themes():
    Theme.objects.bulk_create(Theme(slug=f"t{n:03}", name_fr=f"Thème {n}", position=n) for n in range(120))


@pytest.mark.parametrize(("size", "served"), [("100", 100), ("101", 100), ("500", 100), ("20", 20)])
def test_a_page_holds_at_most_100_records(client, themes, settings, size, served):
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
        "anon": "100/minute",
        "user": "100/minute",
        "heavy": "100/minute",
    }
    data = _get(client, f"/api/v1/themes/?page_size={size}").json()
    assert (len(data["results"]), data["count"]) == (served, 120)
    assert data["next"] is not None  # clients that follow `next` get everything


@pytest.mark.parametrize("size", ["501", "0", "-1", "many"])
def test_a_page_size_beyond_500_is_a_400_naming_the_field(client, size):
    response = _get(client, f"/api/v1/themes/?page_size={size}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"page_size": ["A page size is a whole number from 1 to 500."]}


# --- Documentation and admin ----------------------------------------------------------------------------------------


def test_the_api_description_and_schema_say_how_to_send_a_key(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    description = schema["info"]["description"]
    assert "Authorization: Api-Key <key>" in description
    assert "ask the MOT team" in description
    assert "429" in description
    assert "Retry-After" in description
    scheme = schema["components"]["securitySchemes"]["apiKeyAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    themes = schema["paths"]["/api/v1/themes/"]["get"]
    assert {"apiKeyAuth": []} in themes["security"]
    page_size = next(p for p in themes["parameters"] if p["name"] == "page_size")
    assert "at most 100" in page_size["description"]


def test_staff_issue_a_key_in_the_admin_shown_once(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="a-long-test-password-7")
    client.force_login(admin)
    response = client.post(
        "/fr/admin/apikeys/consumerkey/add/", {"name": "Observatoire", "rate": "1000/hour"}, follow=True
    )
    html = unescape(response.content.decode())
    record = ConsumerKey.objects.get()
    assert record.rate == "1000/hour"
    assert f"La clé d'API de Observatoire est : {record.prefix}." in html
    key = html.split("La clé d'API de Observatoire est : ")[1].split(" ")[0]
    assert ConsumerKey.objects.get_from_key(key) == record
    assert key not in client.get(f"/fr/admin/apikeys/consumerkey/{record.pk}/change/").content.decode()
    listing = unescape(client.get("/fr/admin/apikeys/consumerkey/").content.decode())
    assert "Clés d'API" in listing
    assert "Débit" in listing


def test_a_rate_must_be_one_drf_understands(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="a-long-test-password-7")
    client.force_login(admin)
    response = client.post("/en/admin/apikeys/consumerkey/add/", {"name": "Observatory", "rate": "10/fortnight"})
    assert response.status_code == 200
    assert "e.g. 600/minute" in response.content.decode()
    assert not ConsumerKey.objects.exists()


def test_rates_come_from_the_environment():
    from tests.mot_portal.test_login_protection import _run_settings

    values = _run_settings(
        {
            "THROTTLE_RATE_ANON": "7/minute",
            "THROTTLE_RATE_USER": "70/minute",
            "THROTTLE_RATE_HEAVY": "2/hour",
            "THROTTLE_RATE_PAGE_SCRIPT": "99/minute",
        },
        "s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']",
    )
    assert values == {"anon": "7/minute", "user": "70/minute", "heavy": "2/hour", "page_script": "99/minute"}


def test_the_counters_are_kept_apart_from_the_page_cache(client, settings):
    """Flushing (or flooding, with eviction) the page cache never resets a client's budget."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counters"},
    }
    assert [_get(client).status_code for _ in range(3)] == [200, 200, 200]
    caches["default"].clear()
    assert _get(client).status_code == 429
    caches["throttle"].clear()
    assert _get(client).status_code == 200
