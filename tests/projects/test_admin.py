"""Editorial admin: pages, missing-English indicator, status actions."""

import pytest

from mot_portal.publishing import Status
from projects.models import Booklet, Factsheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def factsheet():
    return Factsheet.objects.create(slug="essai", title_fr="Essai", summary_fr="<p>Résumé</p>")


@pytest.mark.parametrize(
    "path",
    [
        "/en/admin/projects/factsheet/",
        "/en/admin/projects/factsheet/?english=missing&status__exact=draft",
        "/en/admin/projects/factsheet/add/",
        "/en/admin/projects/booklet/",
        "/en/admin/projects/booklet/add/",
        "/en/admin/projects/theme/",
    ],
)
def test_admin_pages(client, staff_editor, factsheet, path):
    client.force_login(staff_editor)
    assert client.get(path).status_code == 200


def test_missing_english_is_shown(client, staff_editor, factsheet):
    client.force_login(staff_editor)
    response = client.get("/en/admin/projects/factsheet/")
    html = response.content.decode()
    assert "title, summary" in html
    missing = client.get("/en/admin/projects/factsheet/", {"english": "missing"}).context["cl"].result_list
    assert list(missing) == [factsheet]


def test_status_actions(client, staff_editor, factsheet):
    client.force_login(staff_editor)
    client.post("/en/admin/projects/factsheet/", {"action": "mark_in_review", "_selected_action": [factsheet.pk]})
    assert Factsheet.objects.get().status == Status.IN_REVIEW
    client.post("/en/admin/projects/factsheet/", {"action": "mark_published", "_selected_action": [factsheet.pk]})
    published = Factsheet.objects.get()
    assert published.status == Status.PUBLISHED
    assert published.published_at is not None


def test_viewers_cannot_publish(client, staff_viewer, factsheet):
    client.force_login(staff_viewer)
    client.post("/en/admin/projects/factsheet/", {"action": "mark_published", "_selected_action": [factsheet.pk]})
    assert Factsheet.objects.get().status == Status.DRAFT
    assert not Booklet.objects.exists()
