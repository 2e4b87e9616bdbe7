"""Personal data never enters the content's history: support requests keep no versions, and a request handled
in the admin lends neither its words nor its requester's name to the revision of the mission it creates."""

import pytest
from django.urls import reverse
from reversion.models import Revision, Version

from missions.models import Mission
from mot_portal.groups import EDITORS, SUPPORT
from support.models import SupportRequest
from tests.conftest import staff_group
from tests.support.form.conftest import offer, places, support_request, tasks_run_here  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_mission_made_from_a_request_keeps_no_personal_data(client, django_user_model, places, offer):  # noqa: F811
    triager = django_user_model.objects.create_user("triager", password="a-long-test-password-3", is_staff=True)
    triager.groups.add(staff_group(SUPPORT), staff_group(EDITORS))
    request = support_request(
        places["givet"], service=offer["diagnostic"], name="Zéphyrine Lemoine", email="zlemoine@example.org",
        need="Secret need of Zéphyrine",
    )  # fmt: skip
    client.force_login(triager)
    changelist = reverse("admin:support_supportrequest_changelist")
    client.post(changelist, {"action": "create_draft_mission", "_selected_action": [request.pk]})
    change = reverse("admin:support_supportrequest_change", args=[request.pk])
    client.post(change, {"status": SupportRequest.State.CLOSED, "staff_notes": "Zéphyrine rappelée"})
    mission = Mission.objects.get()
    assert Version.objects.get_for_object(mission).exists()  # the mission's own history
    assert not Version.objects.filter(content_type__model="supportrequest").exists()
    for text in ("Zéphyrine", "zlemoine", "Secret need"):
        assert not Version.objects.filter(serialized_data__contains=text).exists()
        assert not Version.objects.filter(object_repr__contains=text).exists()
        assert not Revision.objects.filter(comment__contains=text).exists()
