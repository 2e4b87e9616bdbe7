"""Shared fixtures. Real-service tests skip locally when a service is missing, but fail under CI=true."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from towns.models import (
    Country,
    CrossBorderArea,
    DataImport,
    Department,
    Intercommunality,
    Locality,
    Partner,
    Region,
    Town,
)
from towns.services import content_load, towns_import

IN_CI = os.environ.get("CI", "").lower() == "true"
DATA_DIR = settings.BASE_DIR / "fixtures" / "data"
CONTENT_FILE = settings.BASE_DIR / "fixtures" / "content" / "towns.json"


def localized_url(name: str, lang: str, **kwargs) -> str:
    """The URL of a named page in a language (French URLs are translated)."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def require_service(available: bool, reason: str) -> None:
    """Skip a test needing a missing service, except in CI where a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Each test starts with an empty cache (the database is rolled back between tests, the cache is not), and
    with the page cache off: tests edit data without committing, which the page cache would not see. The page
    cache has its own tests (tests/mot_portal/test_page_cache.py), which turn it on."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = settings.PART_CACHE_SECONDS = 0
    settings.READY_MEMO_SECONDS = 0  # each readiness call checks again
    cache.clear()


@pytest.fixture(autouse=True)
def pdfs_on_request_only(settings):
    """Publishing does not prepare PDFs unless a test asks for it (PDF_RENDER_ON_PUBLISH)."""
    settings.PDF_RENDER_ON_PUBLISH = False


@pytest.fixture(autouse=True)
def api_rates_out_of_the_way(settings):
    """Every test client comes from one address: API rates high enough never to answer 429, except in the tests
    of throttling, which set their own (tests/mot_portal/test_throttling.py)."""
    unlimited = "1000000/minute"
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": unlimited, "user": unlimited, "heavy": unlimited, "page_script": unlimited},
    }


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    call_command("compile_catalogues", verbosity=0)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A writable copy of the real data files, for tests that break them on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="module")
def real_data(django_db_setup, django_db_blocker):
    """The real open data and curated content, loaded once for a test module and removed afterwards."""
    with django_db_blocker.unblock():
        towns_import(data_dir=DATA_DIR)
        content_load(path=CONTENT_FILE)
    yield
    with django_db_blocker.unblock():
        from editorial.models import Source  # the catalogue the content load creates

        for model in (
            Partner,
            CrossBorderArea,
            Source,
            Town,
            Intercommunality,
            Department,
            Region,
            Locality,
            Country,
            DataImport,
        ):
            model.objects.all().delete()


def staff_group(name: str):
    """The staff group ``name`` as the data migrations made it; granted again when a transactional test (a browser
    test) flushed the database, which keeps the permissions (post_migrate) but not the groups."""
    from django.contrib.auth.models import Group, Permission

    from mot_portal.groups import STAFF_GRANTS, editorial_groups_grant, staff_groups_grant, support_group_grant

    if not Group.objects.filter(name=name).exists():
        for app_label, models in STAFF_GRANTS:
            staff_groups_grant(Group, Permission, app_label, models)
        support_group_grant(Group, Permission)
        editorial_groups_grant(Group, Permission)
    return Group.objects.get(name=name)


@pytest.fixture
def staff_editor(django_user_model):
    from mot_portal.groups import EDITORS

    user = django_user_model.objects.create_user("editor", password="a-long-test-password-1", is_staff=True)
    user.groups.add(staff_group(EDITORS))
    return user


@pytest.fixture
def staff_reviewer(django_user_model):
    from mot_portal.groups import REVIEWERS

    user = django_user_model.objects.create_user(
        "reviewer", password="a-long-test-password-3", is_staff=True, email="reviewer@example.org"
    )
    user.groups.add(staff_group(REVIEWERS))
    return user


@pytest.fixture
def staff_viewer(django_user_model):
    from mot_portal.groups import VIEWERS

    user = django_user_model.objects.create_user("viewer", password="a-long-test-password-2", is_staff=True)
    user.groups.add(staff_group(VIEWERS))
    return user


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """pytest-django's fixture, with the changes recorded before the block kept out of the batch it captures
    (outside tests, the fixtures' writes would have been committed, and handed over, before)."""
    from contextlib import contextmanager

    from mot_portal import changes

    @contextmanager
    def capture(**kwargs):
        changes.start_new_batch()
        with django_capture_on_commit_callbacks(**kwargs) as callbacks:
            yield callbacks

    return capture


@pytest.fixture
def tasks(monkeypatch, django_capture_on_commit_callbacks):
    """``with tasks() as log:`` runs the block as a committed transaction: its on-commit callbacks run, and every
    task queued is logged and run in this process (see tests/documents.py)."""
    from tests.documents import task_runner

    return task_runner(monkeypatch, django_capture_on_commit_callbacks)
