"""The content's history (editorial/history.py): versions made by admin and API writes with their user and
comment, the differences in both languages, restoring through the services, the permissions, the publication
steps, the recent changes."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from reversion.models import Revision, Version

from mot_portal.publishing import Status, status_change
from projects.models import Factsheet, FactsheetTown
from tests.admin_forms import admin_form_data, inline_prefix
from tests.projects import fixtures as project_fixtures

pytestmark = pytest.mark.django_db
catalogue = project_fixtures.catalogue  # the fixture, also without the editorial conftest


def _history_url(obj) -> str:
    opts = obj._meta
    return reverse("editorial:history", args=[opts.app_label, opts.model_name, obj.pk])


def _compare_url(obj, old, new) -> str:
    opts = obj._meta
    return reverse("editorial:history_compare", args=[opts.app_label, opts.model_name, obj.pk]) + (
        f"?from={old.pk}&to={new.pk}"
    )


def _restore_url(obj, version) -> str:
    opts = obj._meta
    return reverse("editorial:history_restore", args=[opts.app_label, opts.model_name, obj.pk, version.pk])


def _admin_edit(client, factsheet, language="fr", **changes):
    url = f"/{language}/admin/projects/factsheet/{factsheet.pk}/change/"
    page = client.get(url)
    data = admin_form_data(page)
    towns = inline_prefix(page, FactsheetTown)
    for name, value in changes.items():
        data[name.replace("TOWNS", towns)] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def _versions(obj):
    return list(Version.objects.get_for_object(obj).select_related("revision__user"))


def test_an_admin_edit_keeps_a_version_with_its_user_and_a_comment_in_the_readers_language(
    client, staff_reviewer, catalogue
):
    client.force_login(staff_reviewer)
    before = len(_versions(catalogue.care))  # the fixture's publication step
    _admin_edit(client, catalogue.care, title_en="Cross-border health centre (2)", **{"TOWNS-0-DELETE": "on"})
    version = _versions(catalogue.care)[0]
    assert len(_versions(catalogue.care)) == before + 1
    assert version.revision.user == staff_reviewer
    assert version.field_dict["title_en"] == "Cross-border health centre (2)"
    # The factsheet's rows are kept with it: the one deleted is gone, the other is there.
    rows = version.revision.version_set.filter(content_type__model="factsheettown")
    assert [row.field_dict["role"] for row in rows] == ["beneficiary"]
    entries = json.loads(version.revision.comment)
    assert entries[0]["changed"]["fields"] == ["Title [en]"]  # Django's message, stored untranslated
    html = client.get(_history_url(catalogue.care)).content.decode()
    assert "Titre (anglais)" in html  # … and read in French
    assert "Title [en]" not in html
    english = client.get(_history_url(catalogue.care).replace("/fr/", "/en/")).content.decode()
    assert "Changed: Title (english)." in english
    assert "Deleted town taking part" in english


def test_an_api_write_keeps_a_version_with_the_clients_user(catalogue, staff_reviewer):
    api = APIClient()
    api.force_authenticate(staff_reviewer)
    response = api.patch(f"/api/v1/factsheets/{catalogue.care.slug}/", {"title_en": "Health centre"}, format="json")
    assert response.status_code == 200, response.content
    version = _versions(catalogue.care)[0]
    assert version.revision.user == staff_reviewer
    assert json.loads(version.revision.comment) == [{"api": {"method": "PATCH"}}]
    assert version.field_dict["title_en"] == "Health centre"


def test_reads_and_refused_writes_keep_no_version(client, catalogue, staff_viewer):
    before = Version.objects.count()
    api = APIClient()
    api.force_authenticate(staff_viewer)
    assert api.patch(f"/api/v1/factsheets/{catalogue.care.slug}/", {"title_en": "x"}, format="json").status_code == 403
    client.force_login(staff_viewer)
    client.get(f"/fr/admin/projects/factsheet/{catalogue.care.pk}/change/")
    assert Version.objects.count() == before


def test_the_differences_show_both_languages_readable_and_escaped(client, staff_reviewer, catalogue):
    client.force_login(staff_reviewer)
    _admin_edit(client, catalogue.care, title_fr="Maison de santé")
    _admin_edit(
        client,
        catalogue.care,
        title_fr="Maison de santé <img src=x onerror=alert(1)>",
        summary_en="<p>Healthcare for the people of both sides of the border.</p>",
        themes=[str(catalogue.health.pk), str(catalogue.mobility.pk)],
        **{"TOWNS-1-role": "partner"},
    )
    new, old = _versions(catalogue.care)[:2]
    html = client.get(_compare_url(catalogue.care, old, new)).content.decode()
    assert "Français" in html
    assert "Anglais" in html
    assert "Titre" in html
    assert "Résumé" in html
    assert "Thèmes" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # user content escaped
    assert "<img src=x" not in html
    assert "<del>inhabitants </del><ins>people </ins>" in html  # a word-level difference of the text
    assert "<ins>Mobilité</ins>" in html  # the theme added, by name
    assert "Communes participantes" in html  # the rows kept with the factsheet, in words
    assert "— Partenaire</ins>" in html
    assert "— Bénéficiaire</del>" in html
    # Unchanged fields are left out unless asked for.
    assert "Budget" not in html
    assert "Budget" in client.get(_compare_url(catalogue.care, old, new) + "&all=1").content.decode()


def test_restoring_a_version_goes_through_the_service_and_refreshes_the_page_and_the_pdf(
    client, staff_reviewer, catalogue, tasks, settings
):
    from mot_portal.documents.models import StoredDocument
    from tests.documents import pdf_text, store

    settings.PAGE_CACHE_SECONDS = settings.PART_CACHE_SECONDS = 600
    care = catalogue.care
    store(("factsheet", care.pk))
    client.force_login(staff_reviewer)
    with tasks():
        _admin_edit(client, care, title_fr="Maison de santé transfrontalière")  # the version to come back to
    with tasks():
        _admin_edit(
            client,
            care,
            objectives_fr="<p>Ouvrir un second cabinet.</p>",
            **{"TOWNS-0-DELETE": "on"},
        )
    from django.test import Client
    from django.utils import translation

    with translation.override("fr"):
        page_url = care.get_absolute_url()
    public = Client()  # an anonymous reader: served from the page cache
    assert "Ouvrir un second cabinet." in public.get(page_url).content.decode()
    assert public.get(page_url)["X-Page-Cache"] == "hit"  # cached
    hash_before = StoredDocument.objects.get(kind="factsheet", object_id=care.pk, language="fr").content_hash
    assert "Ouvrir un second cabinet." in pdf_text("factsheet", care.pk, "fr")
    _latest, earlier = _versions(care)[:2]
    confirm = client.get(_restore_url(care, earlier))
    assert confirm.status_code == 200
    assert "<del>Ouvrir un second cabinet.</del>" in confirm.content.decode()  # what the restore will change
    with tasks():
        response = client.post(_restore_url(care, earlier))
    assert response.status_code == 302
    care.refresh_from_db()
    assert care.objectives_fr == "<p>Réduire les distances vers les hôpitaux.</p>"
    assert care.status == Status.PUBLISHED  # the status is never restored
    assert sorted(care.town_roles.values_list("role", flat=True)) == ["beneficiary", "partner"]
    # The page (cached, keyed on the content versions) shows the old text: the invalidation followed.
    response = public.get(page_url)
    assert response["X-Page-Cache"] == "miss"  # a new content version: a new page
    html = response.content.decode()
    assert "Réduire les distances vers les hôpitaux." in html
    assert "Ouvrir un second cabinet." not in html
    # The PDF was refreshed with the restored content.
    document = StoredDocument.objects.get(kind="factsheet", object_id=care.pk, language="fr")
    assert document.content_hash != hash_before
    assert "Réduire les distances vers les hôpitaux." in pdf_text("factsheet", care.pk, "fr")
    # The restore is a version of its own, with its user and comment.
    restored = _versions(care)[0]
    assert restored.revision.user == staff_reviewer
    assert json.loads(restored.revision.comment)[0]["restored"]["version"] == earlier.pk
    assert "Restored the version of" in client.get(_history_url(care).replace("/fr/", "/en/")).content.decode()


def test_restore_keeps_the_current_publication_status(catalogue, staff_reviewer):
    import reversion

    from editorial.history import version_restore
    from projects.services import factsheet_update

    draft = catalogue.draft
    with reversion.create_revision():
        factsheet_update(factsheet=draft, fields={"title_fr": "Première"})
    old = _versions(draft)[0]
    status_change(obj=draft, status=Status.PUBLISHED, user=staff_reviewer)
    with reversion.create_revision():
        factsheet_update(factsheet=draft, fields={"title_fr": "Seconde"})
    version_restore(version=old, user=staff_reviewer)
    draft.refresh_from_db()
    assert (draft.title_fr, draft.status) == ("Première", Status.PUBLISHED)


def test_who_may_read_and_restore(client, catalogue, staff_reviewer, staff_viewer):
    client.force_login(staff_reviewer)
    _admin_edit(client, catalogue.care, title_fr="Un")
    _admin_edit(client, catalogue.care, title_fr="Deux")
    latest, earlier = _versions(catalogue.care)[:2]
    client.logout()
    for url in (
        _history_url(catalogue.care),
        reverse("editorial:recent_changes"),
        _restore_url(catalogue.care, earlier),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert client.post(_restore_url(catalogue.care, earlier)).status_code == 302
    client.force_login(staff_viewer)
    assert client.get(_history_url(catalogue.care)).status_code == 200
    assert client.get(_compare_url(catalogue.care, earlier, latest)).status_code == 200
    assert client.get(reverse("editorial:recent_changes")).status_code == 200
    assert "Restaurer cette version" not in client.get(_history_url(catalogue.care)).content.decode()
    assert client.get(_restore_url(catalogue.care, earlier)).status_code == 403
    assert client.post(_restore_url(catalogue.care, earlier)).status_code == 403
    catalogue.care.refresh_from_db()
    assert catalogue.care.title_fr == "Deux"
    # The admin's own "History" link opens the versions.
    response = client.get(f"/fr/admin/projects/factsheet/{catalogue.care.pk}/history/")
    assert response.status_code == 200
    assert response.templates[0].name == "editorial/history/object_history.html"


def test_publication_steps_are_in_the_history_with_their_comment(client, catalogue, staff_editor, staff_reviewer):
    draft = catalogue.draft
    status_change(obj=draft, status=Status.IN_REVIEW, user=staff_editor)
    status_change(obj=draft, status=Status.DRAFT, user=staff_reviewer, comment="Ajoutez les partenaires.")
    status_change(obj=draft, status=Status.PUBLISHED, user=staff_reviewer, comment="Parfait.")
    versions = _versions(draft)
    assert [v.revision.user for v in versions] == [staff_reviewer, staff_reviewer, staff_editor]
    assert [v.field_dict["status"] for v in versions] == [Status.PUBLISHED, Status.DRAFT, Status.IN_REVIEW]
    client.force_login(staff_reviewer)
    response = client.get(_history_url(draft).replace("/fr/", "/en/"))
    # Each step beside its own version, with its own words (two steps by one reviewer in a row).
    comments = [str(row["comment"]) for row in response.context["rows"]]
    assert comments == [
        "<strong>Publish</strong>: “Parfait.”",
        "<strong>Send back to the author</strong>: “Ajoutez les partenaires.”",
        "<strong>Submit for review</strong>",
    ]
    assert all(row["version"] for row in response.context["rows"])
    html = response.content.decode()
    assert "Send back to the author" in html
    assert "Submit for review" in html
    assert "Ajoutez les partenaires." in html
    recent = client.get(reverse("editorial:recent_changes").replace("/fr/", "/en/")).content.decode()
    assert "Ajoutez les partenaires." in recent
    assert "Send back to the author" in recent


def test_unversioned_models_and_personal_data(catalogue):
    import reversion
    from django.contrib.auth import get_user_model

    from support.models import SupportRequest
    from towns.models import Town

    for model in (SupportRequest, get_user_model(), Town):
        assert not reversion.is_registered(model)
    assert reversion.is_registered(Factsheet)
    assert reversion.is_registered(FactsheetTown)


def _revisions(count, user, when=None):
    import reversion

    from projects.models import Theme
    from projects.services import theme_update

    theme = Theme.objects.get(slug="health")
    for n in range(count):
        with reversion.create_revision():
            theme_update(theme=theme, fields={"position": n})
            reversion.set_user(user)
            reversion.set_comment(json.dumps([{"api": {"method": "PATCH"}}]))
            if when:
                reversion.set_date_created(when)


def test_recent_changes_filters_and_a_constant_number_of_queries(
    client, catalogue, staff_editor, staff_reviewer, django_assert_max_num_queries
):
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from projects.models import Theme

    url = reverse("editorial:recent_changes").replace("/fr/", "/en/")
    client.force_login(staff_reviewer)
    base = Revision.objects.count()  # the fixture's publication steps (by the system)
    _revisions(3, staff_editor)
    status_change(obj=catalogue.draft, status=Status.PUBLISHED, user=staff_reviewer, comment="OK")
    client.get(url)  # the content types' cache filled
    with CaptureQueriesContext(connection) as few:  # a publication step on the page, as below
        assert client.get(url).status_code == 200
    _revisions(60, staff_editor)
    _revisions(5, staff_reviewer, when=timezone.now() - datetime.timedelta(days=31))
    status_change(obj=catalogue.draft, status=Status.DRAFT, user=staff_reviewer, comment="Pas encore")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.context["rows"]) == 50  # a page
    assert response.context["paginator"].count == base + 3 + 1 + 60 + 5 + 1
    assert "Pas encore" in response.content.decode()
    by_user = client.get(url, {"user": staff_reviewer.pk}).context
    assert by_user["paginator"].count == 7
    theme_type = ContentType.objects.get_for_model(Theme)
    assert client.get(url, {"model": theme_type.pk}).context["paginator"].count == 68
    factsheet_type = ContentType.objects.get_for_model(Factsheet)
    only = client.get(url, {"model": factsheet_type.pk}).context["rows"]
    assert only[0]["records"][0]["name"] == catalogue.draft.title
    assert all(row["records"][0]["type"] == "Factsheet" for row in only)
    old = (timezone.localdate() - datetime.timedelta(days=29)).isoformat()  # days of the portal's time zone
    assert client.get(url, {"until": old}).context["paginator"].count == 5
    assert client.get(url, {"since": old}).context["paginator"].count == base + 65


def test_the_admin_index_links_to_the_recent_changes(client, staff_viewer):
    client.force_login(staff_viewer)
    html = client.get("/en/admin/").content.decode()
    assert f'href="{reverse("editorial:recent_changes").replace("/fr/", "/en/")}"' in html
