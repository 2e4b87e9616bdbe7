"""The translation status in the admin: the column and the "English missing" filter of every translated model's
list, the block naming the English fields that fall back to French on the edit form, and the staff dashboard."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from editorial import translation_status
from mot_portal.admin import EnglishMissingFilter, TranslationStatusMixin
from tests.editorial.conftest import TRANSLATED, expected_status

pytestmark = pytest.mark.django_db

MODELS = sorted(TRANSLATED)


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def admin_url(model, view: str, *args) -> str:
    return url(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", *args)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("boss", password="a-long-test-password-9")


@pytest.mark.parametrize("label", MODELS)
def test_every_list_has_the_column_and_the_filter(client, content, superuser, label):
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, TranslationStatusMixin)
    client.force_login(superuser)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert "translation_completeness" in changelist.list_display
    assert any(isinstance(spec, EnglishMissingFilter) for spec in changelist.filter_specs)
    expected = expected_status(model)
    missing = {pk for pk, (*_, fields) in expected.items() if fields}
    for value, pks in (("missing", missing), ("complete", set(expected) - missing)):
        response = client.get(admin_url(model, "changelist"), {"english": value})
        assert response.status_code == 200
        assert {obj.pk for obj in response.context["cl"].queryset} == pks, value


@pytest.mark.parametrize(
    "label", ["workplan.workitem", "missions.roadmapaction", "towns.partner", "projects.factsheet"]
)
def test_the_filter_as_an_editor_sees_it(client, content, staff_editor, label):
    model = apps.get_model(label)
    expected = expected_status(model)
    missing = {pk for pk, (*_, fields) in expected.items() if fields}
    assert missing
    assert set(expected) - missing
    client.force_login(staff_editor)
    page = client.get(admin_url(model, "changelist"), {"english": "missing"})
    assert {obj.pk for obj in page.context["cl"].queryset} == missing
    html = page.content.decode()
    assert "English missing" in html
    for obj in page.context["cl"].result_list:
        target, source, _fields = expected[obj.pk]
        assert f"{target}/{source}</span>" in html


def test_the_column_shows_the_counts(client, content, staff_editor):
    from projects.models import Factsheet

    client.force_login(staff_editor)
    html = client.get(admin_url(Factsheet, "changelist")).content.decode()
    assert "2/4</span>" in html  # "balisage": title and results of four fields in French
    assert "✓" in html  # "vide"
    assert "summary, actions" in html  # the earlier "English missing" column is still there


def test_the_edit_form_names_the_fields_shown_in_french(client, content, staff_editor):
    from towns.models import Partner

    client.force_login(staff_editor)
    partner = Partner.objects.get(slug="p-blanc")
    html = client.get(admin_url(Partner, "change", partner.pk)).content.decode()
    block = html[html.index('class="english-fallbacks"') :]
    block = block[: block.index("</ul>")]
    assert "<li>Name</li>" in block
    assert "<li>Description</li>" in block
    # Each English field says it, under its tab.
    for field in ("name_en", "description_en"):
        help_block = html[html.index(f'id="id_{field}_helptext"') :][:300]
        assert "Not translated: the English page shows the French text." in help_block
    complete = Partner.objects.get(slug="p-complet")
    html = client.get(admin_url(Partner, "change", complete.pk)).content.decode()
    assert "None: every field written in French is translated." in html
    assert "Not translated" not in html


def test_the_edit_form_block_of_an_activity_line(client, content, staff_reviewer):
    from workplan.models import WorkItem

    line = WorkItem.objects.filter(translation_status.missing_q(WorkItem)).first()
    client.force_login(staff_reviewer)
    html = client.get(admin_url(WorkItem, "change", line.pk)).content.decode()
    assert html.index("English fields shown in French") < html.index('id="id_text_fr"')  # first thing on the form
    assert '<ul class="english-fallbacks"><li>Text</li></ul>' in html


def _dashboard(client):
    response = client.get(url("translation_dashboard"))
    assert response.status_code == 200
    return response


def test_the_dashboard_counts_and_links(client, content, staff_viewer):
    client.force_login(staff_viewer)
    response = _dashboard(client)
    sections = {section["opts"].label_lower: section for section in response.context["sections"]}
    assert set(sections) == set(TRANSLATED)
    html = response.content.decode()
    for label, section in sections.items():
        model = apps.get_model(label)
        expected = expected_status(model)
        missing = {pk: fields for pk, (*_, fields) in expected.items() if fields}
        counts = section["counts"]
        assert (counts.total, counts.incomplete, counts.fields_missing) == (
            len(expected),
            len(missing),
            sum(len(fields) for fields in missing.values()),
        ), label
        assert {record["obj"].pk for record in section["records"]} == set(missing)
        for record in section["records"]:
            assert record["url"] == admin_url(model, "change", record["obj"].pk)
            assert f'href="{record["url"]}"' in html
            assert record["missing"] == [translation_status.field_label(model, f) for f in missing[record["obj"].pk]]
    assert sections["workplan.workitem"]["counts"].incomplete == 100
    assert "100 records with English missing" in html
    assert f'href="{admin_url(apps.get_model("workplan.workitem"), "changelist")}?english=missing"' in html


def test_the_dashboard_is_linked_from_the_admin_index(client, staff_viewer):
    client.force_login(staff_viewer)
    assert url("translation_dashboard") in client.get(url("admin:index")).content.decode()


def test_the_dashboard_shows_only_what_the_user_may_view(client, content, django_user_model):
    user = django_user_model.objects.create_user("partners-only", password="a-long-test-password-8", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_partner"))
    client.force_login(user)
    sections = _dashboard(client).context["sections"]
    assert [section["opts"].label_lower for section in sections] == ["towns.partner"]


def test_the_dashboard_is_for_staff_only(client, content, django_user_model):
    assert client.get(url("translation_dashboard")).status_code == 302  # to the login page
    user = django_user_model.objects.create_user("public", password="a-long-test-password-7")
    client.force_login(user)
    response = client.get(url("translation_dashboard"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_records(client, content, superuser):
    """Two queries a model on the dashboard (counts, then the incomplete records), whatever their number; the
    lists compute the column in their own query."""
    from missions.models import RoadmapAction
    from tests.factories import PartnerFactory
    from workplan.models import WorkItem

    client.force_login(superuser)
    lists = [admin_url(model, "changelist") + "?english=missing" for model in (WorkItem, RoadmapAction)]
    dashboard_before = _queries(client, url("translation_dashboard"))
    lists_before = [_queries(client, path) for path in lists]
    assert dashboard_before <= 2 * len(TRANSLATED) + 6  # session, user, permissions

    roadmap = content.roadmap
    for index in range(30):
        RoadmapAction.objects.create(roadmap=roadmap, position=10 + index, title_fr=f"Action {index}")
        PartnerFactory(slug=f"extra-{index}", name_fr=f"Partenaire {index}", country=content.germany)
    parent = WorkItem.objects.filter(kind=WorkItem.Kind.LINE).first().parent
    for index in range(30):
        WorkItem.objects.create(
            programme=parent.programme,
            parent=parent,
            kind=WorkItem.Kind.LINE,
            code=parent.code,
            text_fr=f"Ligne {index}",
            position=500 + index,
        )

    assert _queries(client, url("translation_dashboard")) == dashboard_before
    assert [_queries(client, path) for path in lists] == lists_before
