"""Editorial admin of missions: pages with inlines, filters, publication and roadmap versions."""

import pytest

from missions.models import Mission, Roadmap
from mot_portal.publishing import Status

pytestmark = pytest.mark.django_db


def test_admin_pages(client, staff_editor, missions):
    client.force_login(staff_editor)
    town = missions.towns[2].insee_code
    paths = [
        "/en/admin/missions/mission/",
        f"/en/admin/missions/mission/?kind__exact=flash_mission&year=2022&town={town}",
        f"/en/admin/missions/mission/?countries__id__exact={missions.luxembourg.pk}&themes__id__exact={missions.health.pk}",
        "/en/admin/missions/mission/add/",
        f"/en/admin/missions/mission/{missions.flash.pk}/change/",
        f"/en/admin/missions/missionevent/{missions.flash.events.first().pk}/change/",
        f"/en/admin/missions/roadmap/{missions.roadmap.pk}/change/",
        "/en/admin/missions/roadmap/",
        "/en/admin/missions/nationalprogramme/",
    ]
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_list_filters(client, staff_editor, missions):
    client.force_login(staff_editor)

    def listed(params):
        return {m.slug for m in client.get("/en/admin/missions/mission/", params).context["cl"].result_list}

    assert listed({"year": "2020"}) == {"webinaires"}
    # Through its intercommunality, the third town is covered by the flash mission.
    assert listed({"town": missions.towns[2].insee_code}) == {"mission-flash"}
    assert listed({"town": missions.towns[0].insee_code}) == {"mission-flash", "mission-secrete"}


def test_change_page_has_the_inlines_and_the_preview_link(client, staff_editor, missions):
    client.force_login(staff_editor)
    html = client.get(f"/en/admin/missions/mission/{missions.draft.pk}/change/").content.decode()
    for prefix in ("events-", "thematic_groups-", "partner_roles-", "roadmaps-"):
        assert f'name="{prefix}TOTAL_FORMS"' in html
    assert "/en/missions/mission-secrete/preview/" in html


def test_publish_action_and_duplicate_roadmap_action(client, staff_reviewer, missions):
    client.force_login(staff_reviewer)
    client.post("/en/admin/missions/mission/", {"action": "mark_published", "_selected_action": [missions.draft.pk]})
    draft = Mission.objects.get(pk=missions.draft.pk)
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None
    client.post(
        "/en/admin/missions/roadmap/",
        {"action": "duplicate_as_new_version", "_selected_action": [missions.roadmap.pk]},
    )
    versions = list(Roadmap.objects.filter(mission=missions.flash).values_list("version", "status"))
    assert sorted(versions) == [(1, Status.PUBLISHED), (2, Status.DRAFT), (3, Status.DRAFT)]


def test_viewers_cannot_publish_or_duplicate(client, staff_viewer, missions):
    client.force_login(staff_viewer)
    client.post("/en/admin/missions/mission/", {"action": "mark_published", "_selected_action": [missions.draft.pk]})
    assert Mission.objects.get(pk=missions.draft.pk).status == Status.DRAFT
    client.post(
        "/en/admin/missions/roadmap/",
        {"action": "duplicate_as_new_version", "_selected_action": [missions.roadmap.pk]},
    )
    assert Roadmap.objects.filter(mission=missions.flash).count() == 2


def test_roadmap_versions_move_through_the_status_actions(client, staff_reviewer, missions):
    client.force_login(staff_reviewer)
    client.post(
        "/en/admin/missions/roadmap/", {"action": "mark_published", "_selected_action": [missions.draft_roadmap.pk]}
    )
    assert Roadmap.objects.get(pk=missions.draft_roadmap.pk).status == Status.PUBLISHED
    html = client.get("/en/missions/mission-flash/").content.decode()
    assert "Action de la version brouillon" in html  # version 2 is now the current one
    html = client.get(f"/en/admin/missions/mission/{missions.flash.pk}/change/").content.decode()
    assert 'name="roadmaps-TOTAL_FORMS"' in html


def test_staff_edit_a_mission_and_its_events_through_the_service(client, staff_reviewer, missions):
    """The admin writes the mission through mission_update (its years kept, its relations set) and its inline
    rows in the same transaction; the roadmap versions' publication stays with the status actions."""
    from missions.models import MissionEvent
    from tests.admin_forms import admin_form_data, inline_prefix

    client.force_login(staff_reviewer)
    url = f"/en/admin/missions/mission/{missions.bare.pk}/change/"
    page = client.get(url)
    data = admin_form_data(page)
    events = inline_prefix(page, MissionEvent)
    data.update(
        {
            "start_date": "2021-03-01",
            "end_date": "2023-06-30",
            "date_precision": "month",
            "towns": [str(missions.towns[0].pk)],
            f"{events}-TOTAL_FORMS": "1",
            f"{events}-0-kind": "webinar",
            f"{events}-0-title_fr": "Premier webinaire",
            f"{events}-0-position": "1",
            f"{events}-0-date_precision": "day",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    bare = Mission.objects.get(pk=missions.bare.pk)
    assert (bare.first_year, bare.last_year) == (2021, 2023)
    assert list(bare.towns.all()) == [missions.towns[0]]
    assert list(bare.events.values_list("title_fr", flat=True)) == ["Premier webinaire"]
    assert "status" not in page.context["adminform"].form.fields  # publication: through the actions only
