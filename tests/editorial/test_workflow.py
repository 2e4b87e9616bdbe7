"""The review workflow: editors submit, reviewers publish, unpublish and send back, with the same rule on the edit
form, in the list actions, in the API; every step logged, in the history, and told by e-mail after commit."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from rest_framework.test import APIClient

from editorial.models import WorkflowEvent
from editorial.workflow import PUBLISH_PERMISSION
from missions.models import Mission, Roadmap
from mot_portal.publishing import Status, TransitionNotAllowed, status_change
from projects.models import Booklet, Factsheet
from tests.admin_forms import admin_form_data
from workplan.models import Programme

pytestmark = pytest.mark.django_db

CHANGE = "/en/admin/projects/factsheet/{}/change/"
LIST = "/en/admin/projects/factsheet/"


@pytest.fixture(autouse=True)
def tasks_run_here(monkeypatch):
    """The e-mail task runs in this process when queued (after commit), even where a broker is configured (CI)."""
    from celery.app.task import Task

    monkeypatch.setattr(
        Task, "apply_async", lambda task, args=None, kwargs=None, **options: task.apply(args=args, kwargs=kwargs)
    )


@pytest.fixture
def factsheet():
    return Factsheet.objects.create(slug="essai", title_fr="Essai", summary_fr="<p>Résumé</p>")


@pytest.fixture
def author(staff_editor):
    staff_editor.email = "author@example.org"
    staff_editor.save()
    return staff_editor


def test_the_roles_are_groups_made_by_the_migrations():
    reviewers, editors, viewers = (Group.objects.get(name=name) for name in ("Reviewers", "Editors", "Viewers"))
    publish = reviewers.permissions.filter(codename="publish_content", content_type__app_label="editorial")
    assert publish.exists()
    assert not editors.permissions.filter(codename="publish_content").exists()
    assert not viewers.permissions.filter(codename="publish_content").exists()
    # Reviewers may do everything editors may do.
    assert set(editors.permissions.all()) <= set(reviewers.permissions.all())
    assert viewers.permissions.exclude(codename__startswith="view_").count() == 0


def test_service_rule_per_role(factsheet, staff_editor, staff_reviewer, staff_viewer):
    assert staff_reviewer.has_perm(PUBLISH_PERMISSION)
    assert not staff_editor.has_perm(PUBLISH_PERMISSION)
    with pytest.raises(TransitionNotAllowed):
        status_change(obj=factsheet, status=Status.PUBLISHED, user=staff_editor)
    assert Factsheet.objects.get().status == Status.DRAFT
    status_change(obj=factsheet, status=Status.IN_REVIEW, user=staff_editor)
    # Not even their own submission.
    with pytest.raises(TransitionNotAllowed):
        status_change(obj=factsheet, status=Status.PUBLISHED, user=staff_editor)
    status_change(obj=factsheet, status=Status.PUBLISHED, user=staff_reviewer)
    with pytest.raises(TransitionNotAllowed):  # nor unpublish
        status_change(obj=factsheet, status=Status.DRAFT, user=staff_editor)
    assert Factsheet.objects.get().status == Status.PUBLISHED
    # The system (a loader: no user) is not checked.
    status_change(obj=factsheet, status=Status.DRAFT, user=None)
    steps = list(WorkflowEvent.objects.order_by("pk").values_list("from_status", "to_status", "user__username"))
    assert steps == [
        ("draft", "in_review", "editor"),
        ("in_review", "published", "reviewer"),
        ("published", "draft", None),
    ]


def test_an_editor_who_is_also_a_reviewer_publishes_their_own_work(factsheet, staff_editor):
    staff_editor.groups.add(Group.objects.get(name="Reviewers"))
    staff_editor = type(staff_editor).objects.get(pk=staff_editor.pk)  # permissions are cached per instance
    status_change(obj=factsheet, status=Status.IN_REVIEW, user=staff_editor)
    status_change(obj=factsheet, status=Status.PUBLISHED, user=staff_editor)
    assert Factsheet.objects.get().status == Status.PUBLISHED


def test_list_actions_follow_the_rule(client, factsheet, staff_editor, staff_reviewer):
    other = Factsheet.objects.create(slug="autre", title_fr="Autre", status=Status.IN_REVIEW)
    client.force_login(staff_editor)
    page = client.get(LIST)
    actions = [value for value, _label in page.context["action_form"].fields["action"].choices]
    assert "mark_in_review" in actions
    assert "mark_published" not in actions
    client.post(LIST, {"action": "mark_in_review", "_selected_action": [factsheet.pk]})
    assert Factsheet.objects.get(pk=factsheet.pk).status == Status.IN_REVIEW
    # A forged "publish" changes nothing.
    client.post(LIST, {"action": "mark_published", "_selected_action": [factsheet.pk, other.pk]})
    assert set(Factsheet.objects.values_list("status", flat=True)) == {Status.IN_REVIEW}
    # "Move back to draft" on a published record (unpublishing) is refused as a whole: nothing changes.
    status_change(obj=other, status=Status.PUBLISHED, user=None)
    response = client.post(LIST, {"action": "mark_draft", "_selected_action": [factsheet.pk, other.pk]}, follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert Factsheet.objects.get(pk=factsheet.pk).status == Status.IN_REVIEW
    assert Factsheet.objects.get(pk=other.pk).status == Status.PUBLISHED

    client.force_login(staff_reviewer)
    client.post(LIST, {"action": "mark_published", "_selected_action": [factsheet.pk]})
    published = Factsheet.objects.get(pk=factsheet.pk)
    assert published.status == Status.PUBLISHED
    assert published.published_at is not None


def _buttons(page) -> list[str]:
    return [value for value, _label in page.context["workflow_transitions"]]


def test_edit_form_buttons_by_role(client, factsheet, staff_editor, staff_reviewer, staff_viewer):
    client.force_login(staff_editor)
    assert _buttons(client.get(CHANGE.format(factsheet.pk))) == ["in_review"]
    status_change(obj=factsheet, status=Status.IN_REVIEW, user=staff_editor)
    assert _buttons(client.get(CHANGE.format(factsheet.pk))) == ["draft"]  # take their own submission back
    client.force_login(staff_reviewer)
    page = client.get(CHANGE.format(factsheet.pk))
    assert _buttons(page) == ["draft", "published"]
    html = page.content.decode()
    assert 'name="_transition" value="published"' in html
    assert "Send back to the author" in html
    client.force_login(staff_viewer)
    assert client.get(CHANGE.format(factsheet.pk)).context.get("workflow_transitions") == []


def test_submit_send_back_fix_publish_on_the_edit_form(
    client, factsheet, author, staff_reviewer, settings, django_capture_on_commit_callbacks
):
    settings.EDITORIAL_REVIEW_RECIPIENTS = []
    url = CHANGE.format(factsheet.pk)

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):  # the e-mails leave after commit
            return client.post(url, data)

    client.force_login(author)
    data = admin_form_data(client.get(url))
    data.update({"title_fr": "Essai corrigé ?", "_transition": "in_review", "_transition_comment": "Prête"})
    response = post(data)
    assert response.status_code == 302
    record = Factsheet.objects.get()
    assert (record.title_fr, record.status) == ("Essai corrigé ?", Status.IN_REVIEW)
    # The reviewers are told (every active user holding the permission, with an e-mail address).
    assert [m.to for m in mail.outbox] == [["reviewer@example.org"]]
    assert "Essai corrigé ?" in mail.outbox[0].subject
    assert "Prête" in mail.outbox[0].body
    assert f"/admin/projects/factsheet/{factsheet.pk}/change/" in mail.outbox[0].body

    client.force_login(staff_reviewer)
    data = admin_form_data(client.get(url))
    data.update({"_transition": "draft", "_transition_comment": "Ajoutez les partenaires."})
    post(data)
    assert Factsheet.objects.get().status == Status.DRAFT
    assert mail.outbox[-1].to == ["author@example.org"]
    assert "Ajoutez les partenaires." in mail.outbox[-1].body

    client.force_login(author)
    data = admin_form_data(client.get(url))
    data.update({"_transition": "in_review"})
    post(data)
    client.force_login(staff_reviewer)
    data = admin_form_data(client.get(url))
    data.update({"_transition": "published"})
    post(data)
    assert Factsheet.objects.get().status == Status.PUBLISHED
    assert mail.outbox[-1].to == ["author@example.org"]
    steps = list(WorkflowEvent.objects.order_by("pk").values_list("to_status", "user__username", "comment"))
    assert steps == [
        ("in_review", "editor", "Prête"),
        ("draft", "reviewer", "Ajoutez les partenaires."),
        ("in_review", "editor", ""),
        ("published", "reviewer", ""),
    ]
    assert len(mail.outbox) == 4


def test_a_forged_publish_button_saves_nothing(client, factsheet, staff_editor):
    url = CHANGE.format(factsheet.pk)
    client.force_login(staff_editor)
    data = admin_form_data(client.get(url))
    data.update({"title_fr": "Modifié", "_transition": "published"})
    response = client.post(url, data, follow=True)
    assert "You may not make this change of status." in response.content.decode()
    assert Factsheet.objects.get().title_fr == "Essai"  # checked before anything is saved
    assert not WorkflowEvent.objects.exists()


def test_review_recipients_setting(
    factsheet, staff_editor, staff_reviewer, settings, django_capture_on_commit_callbacks
):
    settings.EDITORIAL_REVIEW_RECIPIENTS = ["relecture@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        status_change(obj=factsheet, status=Status.IN_REVIEW, user=staff_editor)
    assert [m.to for m in mail.outbox] == [["relecture@example.org"]]


def test_nothing_is_sent_for_a_rolled_back_transition(factsheet, staff_editor, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                status_change(obj=factsheet, status=Status.IN_REVIEW, user=staff_editor)
                raise RuntimeError
        except RuntimeError:
            pass
    assert not [c for c in callbacks if "_queue_emails" in getattr(c, "__qualname__", "") or "lambda" in repr(c)]
    assert not mail.outbox
    assert not WorkflowEvent.objects.exists()


def test_the_api_follows_the_rule(factsheet, staff_editor, staff_reviewer):
    api = APIClient()
    api.force_authenticate(staff_editor)
    payload = {"slug": "nouvelle", "title_fr": "Nouvelle", "status": "published"}
    response = api.post("/api/v1/factsheets/", payload, format="json")
    assert response.status_code == 403, response.content
    assert "relecteur" in response.json()["detail"]  # the API speaks French by default
    assert not Factsheet.objects.filter(slug="nouvelle").exists()
    assert api.post("/api/v1/factsheets/", {**payload, "status": "in_review"}, format="json").status_code == 201
    assert api.patch("/api/v1/factsheets/nouvelle/", {"status": "published"}, format="json").status_code == 403
    assert Factsheet.objects.get(slug="nouvelle").status == Status.IN_REVIEW
    api.force_authenticate(staff_reviewer)
    assert api.patch("/api/v1/factsheets/nouvelle/", {"status": "published"}, format="json").status_code == 200
    assert Factsheet.objects.get(slug="nouvelle").status == Status.PUBLISHED
    event = WorkflowEvent.objects.order_by("pk").last()
    assert (event.to_status, event.user) == (Status.PUBLISHED, staff_reviewer)


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/en/admin/projects/booklet/{}/change/", lambda: Booklet.objects.create(slug="b", title_fr="Livret")),
        ("/en/admin/missions/mission/{}/change/", lambda: Mission.objects.create(slug="m", title_fr="Mission")),
        (
            "/en/admin/missions/roadmap/{}/change/",
            lambda: Roadmap.objects.create(mission=Mission.objects.create(slug="m", title_fr="M"), version=1),
        ),
        ("/en/admin/workplan/programme/{}/change/", lambda: Programme.objects.create(year=2025, title="Programme")),
    ],
)
def test_every_publishable_model_has_the_buttons(client, staff_editor, staff_reviewer, path, make):
    record = make()
    client.force_login(staff_editor)
    assert _buttons(client.get(path.format(record.pk))) == ["in_review"]
    client.force_login(staff_reviewer)
    assert _buttons(client.get(path.format(record.pk))) == ["in_review", "published"]
