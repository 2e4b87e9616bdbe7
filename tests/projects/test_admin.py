"""Editorial admin: pages, missing-English indicator, status actions."""

import pytest

from mot_portal.publishing import Status
from projects.models import Booklet, Factsheet, FactsheetTown

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


def test_status_actions(client, staff_reviewer, factsheet):
    client.force_login(staff_reviewer)
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


def _photo_upload():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1000), (20, 120, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile("pont.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_staff_create_and_change_a_factsheet_with_its_rows_through_the_service(client, staff_editor, catalogue):
    """The admin writes through factsheet_create / factsheet_update: sanitised text, the resized photo, the
    relations and the inline rows, in one transaction; its history names the rows."""
    from django.contrib.admin.models import LogEntry

    from tests.admin_forms import admin_form_data, inline_prefix

    client.force_login(staff_editor)
    page = client.get("/en/admin/projects/factsheet/add/")
    data = admin_form_data(page)
    towns = inline_prefix(page, FactsheetTown)
    data.update(
        {
            "slug": "pont-frontalier",
            "title_fr": "Pont frontalier",
            "summary_fr": "<p>Un pont.</p><script>alert(1)</script>",
            "countries": [str(catalogue.belgium.pk)],
            "themes": [str(catalogue.mobility.pk)],
            "photo": _photo_upload(),
            f"{towns}-TOTAL_FORMS": "1",
            f"{towns}-0-town": str(catalogue.towns[2].pk),
            f"{towns}-0-role": "beneficiary",
        }
    )
    response = client.post("/en/admin/projects/factsheet/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Factsheet.objects.get(slug="pont-frontalier")
    assert created.summary_fr == "<p>Un pont.</p>"  # sanitised
    assert created.photo_resized  # the service's resized copy
    assert list(created.countries.values_list("code", flat=True)) == ["BE"]
    assert list(created.town_roles.values_list("town__insee_code", "role")) == [
        (catalogue.towns[2].insee_code, "beneficiary")
    ]
    page = client.get(f"/en/admin/projects/factsheet/{created.pk}/change/")
    data = admin_form_data(page)
    data.update({"title_en": "Border bridge", f"{towns}-0-DELETE": "on", "themes": []})
    response = client.post(f"/en/admin/projects/factsheet/{created.pk}/change/", data)
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.title_en, created.themes.count(), created.town_roles.count()) == ("Border bridge", 0, 0)
    change = LogEntry.objects.filter(object_id=str(created.pk)).order_by("pk").last()
    assert "Deleted town taking part" in change.get_change_message()


def test_staff_create_a_booklet_with_its_factsheets_in_order(client, staff_editor, catalogue):
    from projects.models import BookletEntry
    from tests.admin_forms import admin_form_data, inline_prefix

    client.force_login(staff_editor)
    page = client.get("/en/admin/projects/booklet/add/")
    data = admin_form_data(page)
    entries = inline_prefix(page, BookletEntry)
    data.update(
        {
            "slug": "nouveau-livret",
            "title_fr": "Nouveau livret",
            f"{entries}-TOTAL_FORMS": "2",
            f"{entries}-0-factsheet": str(catalogue.care.pk),
            f"{entries}-0-position": "2",
            f"{entries}-1-factsheet": str(catalogue.carpool.pk),
            f"{entries}-1-position": "1",
        }
    )
    assert client.post("/en/admin/projects/booklet/add/", data).status_code == 302
    booklet = Booklet.objects.get(slug="nouveau-livret")
    assert list(booklet.entries.order_by("position").values_list("factsheet__slug", flat=True)) == [
        "covoiturage",
        "maison-de-sante",
    ]


def test_theme_positions_edited_in_the_list_go_through_the_service(client, staff_editor, catalogue):
    from projects.models import Theme

    client.force_login(staff_editor)
    themes = list(Theme.objects.order_by("pk"))
    data = {
        "form-TOTAL_FORMS": str(len(themes)),
        "form-INITIAL_FORMS": str(len(themes)),
        "_save": "Save",
    }
    for n, theme in enumerate(themes):
        data[f"form-{n}-id"] = str(theme.pk)
        data[f"form-{n}-position"] = str(10 + n)
    assert client.post("/en/admin/projects/theme/", data).status_code == 302
    assert list(Theme.objects.order_by("pk").values_list("position", flat=True)) == [10 + n for n in range(len(themes))]
