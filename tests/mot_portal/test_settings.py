"""Settings read from the environment; production mode is hardened."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"DJANGO_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_deploy_check_is_clean():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_ENV="production", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="portal.example.org",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_defaults_need_no_service():
    assert settings.LANGUAGE_CODE == "fr"
    assert [code for code, _ in settings.LANGUAGES] == ["fr", "en"]
    assert settings.INSTALLED_APPS.index("modeltranslation") < settings.INSTALLED_APPS.index("django.contrib.admin")


def test_health_endpoint(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_cache_may_not_share_the_brokers_redis_database():
    refused = manage("check", CACHE_URL="redis://127.0.0.1:6379/3", CELERY_BROKER_URL="redis://127.0.0.1:6379/3")
    assert refused.returncode != 0
    assert "same Redis database" in refused.stderr
    default_db = manage("check", CACHE_URL="redis://127.0.0.1:6379", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert "same Redis database" in default_db.stderr
    by_name = manage("check", CACHE_URL="rediss://localhost:6379/4", CELERY_BROKER_URL="redis://127.0.0.1/4")
    assert "same Redis database" in by_name.stderr
    own = manage(
        "shell", "-v", "0", "-c", "from django.conf import settings; o = settings.CACHES['default']; "
        "print(o['BACKEND'], o['LOCATION'], o['OPTIONS']['IGNORE_EXCEPTIONS'])",
        CACHE_URL="redis://127.0.0.1:6379/1", CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )  # fmt: skip
    assert own.returncode == 0, own.stderr
    assert own.stdout.split() == ["django_redis.cache.RedisCache", "redis://127.0.0.1:6379/1", "True"]


PROXY_PROBE = """
from django.test import Client
response = Client(HTTP_HOST="portal.example.org").get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")
print(response.status_code, response.get("Location", "-"), response.get("Strict-Transport-Security", "-"))
"""


@pytest.mark.parametrize(
    ("trusted_proxy", "expected"),
    [
        # No proxy said to be there: the client's header is ignored, the request is plain HTTP and redirected.
        ("", "301 https://portal.example.org/robots.txt -"),
        ("false", "301 https://portal.example.org/robots.txt -"),
        # Behind a proxy that sets it: believed, so served (with HSTS) without a redirect.
        ("true", "200 - max-age=31536000; includeSubDomains; preload"),
    ],
)
def test_x_forwarded_proto_is_believed_only_behind_a_trusted_proxy(trusted_proxy, expected):
    result = manage(
        "shell", "-c", PROXY_PROBE,
        DJANGO_ENV="production", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="portal.example.org",
        TRUSTED_PROXY=trusted_proxy,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(
    ("env", "origin"),
    [
        ({}, None),
        ({"AWS_STORAGE_BUCKET_NAME": "portal", "AWS_S3_ENDPOINT_URL": "http://minio:9000"}, "http://minio:9000"),
        (
            {"AWS_STORAGE_BUCKET_NAME": "portal", "AWS_S3_CUSTOM_DOMAIN": "media.example.org/portal"},
            "https://media.example.org",
        ),
        ({"AWS_STORAGE_BUCKET_NAME": "portal"}, "https://*.amazonaws.com"),
    ],
)
def test_photos_from_a_bucket_are_allowed_by_the_content_security_policy(env, origin):
    """The photos of a page served from an S3 bucket (or its public front) must not be blocked by the policy."""
    result = manage(
        "shell", "-v", "0", "-c",
        "from django.conf import settings; print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))",
        **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    sources = result.stdout.split()
    assert sources[:2] == ["'self'", "data:"]
    assert sources[2:] == ([origin] if origin else [])


def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/v1/no-such-thing/", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    assert client.get("/api/v1/no-such-thing/", headers={"Accept-Language": "fr"}).json() == {"detail": "Non trouvé."}
    page = client.get("/fr/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("env", "seconds"),
    [
        ({}, "600 600"),  # development: one process (runserver), a local cache is enough
        ({"DJANGO_ENV": "production"}, "0 0"),  # several processes, no shared cache: no page cache
        ({"DJANGO_ENV": "production", "CACHE_URL": "redis://127.0.0.1:6379/1"}, "600 600"),
        ({"DJANGO_ENV": "production", "PAGE_CACHE_SECONDS": "30", "PART_CACHE_SECONDS": "30"}, "30 30"),
    ],
)
def test_pages_are_cached_only_where_every_process_shares_the_cache(env, seconds):
    production = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "portal.example.org"}
    result = manage(
        "shell", "-v", "0", "-c",
        "from django.conf import settings; print(settings.PAGE_CACHE_SECONDS, settings.PART_CACHE_SECONDS)",
        **{"CACHE_URL": "", **(production if env.get("DJANGO_ENV") else {}), **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == seconds
