"""The review's edges: published content is changed by reviewers only (admin, API, restore, import), an editor
takes back only their own submission, an anonymous request makes no transition, and the history never keeps
what was refused or rolled back."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.test import APIClient
from reversion.models import Version

from editorial.workflow import acting
from mot_portal.publishing import Status, TransitionNotAllowed, status_change
from projects.models import Factsheet

pytestmark = pytest.mark.django_db

LIST = "/en/admin/projects/factsheet/"


@pytest.fixture
def factsheet():
    return Factsheet.objects.create(slug="essai", title_fr="Essai", summary_fr="<p>Résumé</p>")


@pytest.fixture
def published(factsheet):
    return status_change(obj=factsheet, status=Status.PUBLISHED, user=None)


@pytest.fixture
def other_editor(django_user_model):
    from tests.conftest import staff_group

    user = django_user_model.objects.create_user("editor2", password="a-long-test-password-9", is_staff=True)
    user.groups.add(staff_group("Editors"))
    return user


def test_published_content_is_changed_by_reviewers_only_in_the_admin(client, published, staff_editor, staff_reviewer):
    url = f"/en/admin/projects/factsheet/{published.pk}/change/"
    client.force_login(staff_editor)
    page = client.get(url)
    assert page.status_code == 200  # read
    assert not page.context["has_change_permission"]
    assert client.post(url, {"title_fr": "Changé en direct"}).status_code == 403
    assert client.post(f"/en/admin/projects/factsheet/{published.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Factsheet.objects.get().title_fr == "Essai"
    client.force_login(staff_reviewer)
    assert client.get(url).context["has_change_permission"]


def test_published_content_is_changed_by_reviewers_only_in_the_api(published, factsheet, staff_editor, staff_reviewer):
    api = APIClient()
    api.force_authenticate(staff_editor)
    assert api.patch("/api/v1/factsheets/essai/", {"title_fr": "Direct"}, format="json").status_code == 403
    assert api.delete("/api/v1/factsheets/essai/").status_code == 403
    assert Factsheet.objects.get().title_fr == "Essai"
    # A draft stays the editor's to change.
    Factsheet.objects.create(slug="brouillon", title_fr="Brouillon")
    assert api.patch("/api/v1/factsheets/brouillon/", {"title_fr": "Mieux"}, format="json").status_code == 200
    api.force_authenticate(staff_reviewer)
    assert api.patch("/api/v1/factsheets/essai/", {"title_fr": "Relu"}, format="json").status_code == 200


def test_an_editor_takes_back_only_their_own_submission(factsheet, staff_editor, other_editor, staff_reviewer):
    status_change(obj=factsheet, status=Status.IN_REVIEW, user=staff_editor)
    with pytest.raises(TransitionNotAllowed):
        status_change(obj=factsheet, status=Status.DRAFT, user=other_editor)
    status_change(obj=factsheet, status=Status.DRAFT, user=staff_editor)
    status_change(obj=factsheet, status=Status.IN_REVIEW, user=staff_editor)
    status_change(obj=factsheet, status=Status.DRAFT, user=staff_reviewer)  # a reviewer sends back anyone's
    assert Factsheet.objects.get().status == Status.DRAFT


def test_an_anonymous_request_makes_no_transition(factsheet):
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    with acting(request), pytest.raises(TransitionNotAllowed):
        status_change(obj=factsheet, status=Status.IN_REVIEW)
    assert Factsheet.objects.get().status == Status.DRAFT


def test_a_refused_api_write_leaves_no_version(factsheet, staff_editor):
    api = APIClient()
    api.force_authenticate(staff_editor)
    before = Version.objects.count()
    payload = {"summary_fr": "<p>Texte refusé</p>", "status": "published"}
    assert api.patch("/api/v1/factsheets/essai/", payload, format="json").status_code == 403
    assert Version.objects.count() == before
    assert api.patch("/api/v1/factsheets/essai/", {"summary_fr": "<p>Accepté</p>"}, format="json").status_code == 200
    assert Version.objects.count() == before + 1


def test_a_refused_bulk_action_leaves_no_version(client, factsheet, published, staff_editor, django_user_model):
    draft = Factsheet.objects.create(slug="autre", title_fr="Autre")
    client.force_login(staff_editor)
    before = Version.objects.count()
    client.post(LIST, {"action": "mark_in_review", "_selected_action": [draft.pk, factsheet.pk]})
    assert Factsheet.objects.get(pk=draft.pk).status == Status.DRAFT  # all or none
    assert Version.objects.count() == before


def test_history_of_a_key_that_is_not_a_number_is_a_404(admin_client, factsheet):
    assert admin_client.get("/en/admin/history/projects/factsheet/abc/").status_code == 404
    assert admin_client.get("/en/admin/history/projects/factsheet/abc/compare/?from=1&to=2").status_code == 404


def test_restoring_a_published_record_needs_a_reviewer(client, factsheet, staff_editor, staff_reviewer):
    api = APIClient()
    api.force_authenticate(staff_editor)
    api.patch("/api/v1/factsheets/essai/", {"title_fr": "Premier"}, format="json")
    api.patch("/api/v1/factsheets/essai/", {"title_fr": "Second"}, format="json")
    first = Version.objects.get_for_object(Factsheet.objects.get()).last()
    status_change(obj=Factsheet.objects.get(), status=Status.PUBLISHED, user=None)
    url = f"/en/admin/history/projects/factsheet/{factsheet.pk}/restore/{first.pk}/"
    client.force_login(staff_editor)
    assert client.post(url).status_code == 403
    assert Factsheet.objects.get().title_fr == "Second"
    client.force_login(staff_reviewer)
    client.post(url)
    assert Factsheet.objects.get().title_fr == "Premier"


def test_the_citation_read_from_the_api_can_be_sent_back(published, staff_reviewer):
    api = APIClient()
    api.force_authenticate(staff_reviewer)
    Factsheet.objects.filter(pk=published.pk).update(source_document="note interne")
    read = api.get("/api/v1/factsheets/essai/").json()["source_document"]
    response = api.patch("/api/v1/factsheets/essai/", {"source_document": read}, format="json")
    assert response.status_code == 200, response.content
    assert Factsheet.objects.get().source_document == "note interne"  # the staff note is not overwritten


def test_an_editor_cannot_change_a_published_record_by_import(client, published, staff_editor, staff_reviewer):
    from tests.editorial.test_import_export import csv_file, dry_run

    client.force_login(staff_editor)
    page = dry_run(client, csv_file([{"slug": "essai", "title_fr": "Importé"}]))
    result = page.context["result"]
    assert [row.import_type for row in result.rows] == ["invalid"]
    messages = [str(message) for row in result.invalid_rows for message in row.error.messages]
    assert any("is published: only a reviewer may change it." in message for message in messages), messages
    assert Factsheet.objects.get().title_fr == "Essai"
    client.force_login(staff_reviewer)
    page = dry_run(client, csv_file([{"slug": "essai", "title_fr": "Importé"}]))
    assert page.context["confirm_form"] is not None
