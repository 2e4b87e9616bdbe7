"""Staff side of the support requests: who sees them, triage, the draft mission, export, retention."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from missions.models import Mission
from mot_portal.groups import EDITORS, SUPPORT, VIEWERS
from mot_portal.publishing import Status
from support.models import SupportRequest
from tests.conftest import staff_group
from tests.support.form.conftest import support_request

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:support_supportrequest_changelist"


@pytest.fixture
def triager(django_user_model):
    user = django_user_model.objects.create_user("triager", password="a-long-test-password-3", is_staff=True)
    user.groups.add(staff_group(SUPPORT), staff_group(EDITORS))
    return user


def test_only_the_support_group_sees_requests(client, staff_editor, staff_viewer, places):
    support_request(places["givet"])
    for user in (staff_editor, staff_viewer):
        client.force_login(user)
        assert client.get(reverse(CHANGELIST)).status_code == 403
    for name in (EDITORS, VIEWERS):
        assert not Group.objects.get(name=name).permissions.filter(codename="view_supportrequest").exists()


def test_changelist_filters_and_search(client, triager, places, offer, django_assert_max_num_queries):
    support_request(places["givet"], service=offer["diagnostic"], organisation="Mairie de Givet")
    support_request(places["homonym_55"], status=SupportRequest.State.IN_PROGRESS, assigned_to=triager)
    client.force_login(triager)
    base = reverse(CHANGELIST)
    with django_assert_max_num_queries(25):
        assert client.get(base).status_code == 200

    def count(query):
        response = client.get(base + query)
        assert response.status_code == 200
        return response.context["cl"].result_count

    assert count("") == 2
    assert count("?status__exact=in_progress") == 1
    assert count(f"?town__department__id__exact={places['givet'].department_id}") == 1
    assert count(f"?town__border_country__id__exact={places['homonym_55'].border_country_id}") == 1
    assert count(f"?service__id__exact={offer['diagnostic'].pk}") == 1
    assert count(f"?assigned_to__id__exact={triager.pk}") == 1
    assert count("?q=Givet") == 1
    assert count("?q=requester@example.org") == 2


def test_status_closed_sets_closed_at_and_reopening_clears_it(client, triager, places):
    request = support_request(places["givet"])
    client.force_login(triager)
    url = reverse("admin:support_supportrequest_change", args=[request.pk])
    response = client.post(url, {"status": "closed", "assigned_to": triager.pk, "internal_notes": "Appelé."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.closed_at is not None
    assert request.assigned_to == triager
    assert request.internal_notes == "Appelé."
    client.post(url, {"status": "in_progress", "assigned_to": "", "internal_notes": ""})
    request.refresh_from_db()
    assert request.closed_at is None
    assert request.assigned_to is None


def test_create_draft_mission_action(client, triager, places, offer):
    request = support_request(places["givet"], service=offer["diagnostic"], need="Secret need of Zéphyrine")
    client.force_login(triager)
    response = client.post(reverse(CHANGELIST), {"action": "create_draft_mission", "_selected_action": [request.pk]})
    mission = Mission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:missions_mission_change", args=[mission.pk])
    assert mission.status == Status.DRAFT
    assert mission.kind == Mission.Kind.DIAGNOSTIC
    assert mission.title_fr == "Appui à Givet"
    assert mission.title_en == "Support for Givet"
    assert list(mission.towns.all()) == [places["givet"]]
    assert list(mission.intercommunalities.all()) == [places["givet"].intercommunality]
    assert mission.national_programme.slug == "petites-villes-de-demain"  # Givet is a laureate here
    assert mission.summary_fr in ("", None)
    request.refresh_from_db()
    assert request.status == SupportRequest.State.MISSION_CREATED
    assert request.closed_at is not None  # its handling is over: the retention period runs
    assert request.mission == mission
    # A draft: not public.
    assert client.logout() is None
    assert client.get(mission.get_absolute_url()).status_code == 404
    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 302  # the admin asks for a login


def test_mission_kind_defaults_to_individual_support(client, triager, places):
    request = support_request(places["homonym_08"])
    client.force_login(triager)
    client.post(reverse(CHANGELIST), {"action": "create_draft_mission", "_selected_action": [request.pk]})
    mission = Mission.objects.get()
    assert mission.kind == Mission.Kind.INDIVIDUAL_SUPPORT
    assert mission.national_programme is None  # not a laureate


def test_export_action_and_command(client, triager, places, capsys):
    first = support_request(places["givet"], email="Same@Example.org", name="Anne Exportée")
    support_request(places["homonym_08"], email="same@example.org", internal_notes="note")
    support_request(places["homonym_55"], email="other@example.org")
    client.force_login(triager)
    response = client.post(reverse(CHANGELIST), {"action": "export_requester_data", "_selected_action": [first.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert len(data["requests"]) == 2
    assert {r["town"]["insee_code"] for r in data["requests"]} == {"08190", "08001"}
    call_command("export_requester_data", "--email", "SAME@example.org")
    printed = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in printed["requests"]] == ["Anne Exportée", "Requester"]


def test_purge_deletes_only_old_closed_requests(places, settings, capsys):
    settings.SUPPORT_REQUEST_RETENTION_DAYS = 365
    old = timezone.now() - datetime.timedelta(days=400)
    recent = timezone.now() - datetime.timedelta(days=10)
    expired = support_request(places["givet"], status="closed", closed_at=old)
    turned_into_a_mission = support_request(places["givet"], status="mission_created", closed_at=old)
    kept = [
        support_request(places["givet"], status="closed", closed_at=recent),
        support_request(places["givet"], status="answered"),
        support_request(places["givet"], status="new"),
    ]
    call_command("purge_support_requests", "--dry-run")
    assert "2 closed support requests" in capsys.readouterr().out
    assert SupportRequest.objects.filter(pk=expired.pk).exists()
    call_command("purge_support_requests")
    assert "2 closed support requests" in capsys.readouterr().out
    assert not SupportRequest.objects.filter(pk__in=[expired.pk, turned_into_a_mission.pk]).exists()
    assert SupportRequest.objects.filter(pk__in=[k.pk for k in kept]).count() == 3


def test_beat_schedules_the_purge_and_the_email_retries(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"support.purge_requests", "support.send_pending_emails"} <= tasks
