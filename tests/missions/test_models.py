"""Missions: years covered, validation, sanitising, roadmap versions, and the seed content from the sources."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from missions.models import Mission, MissionEvent, MissionPartner, Roadmap, RoadmapAction, ThematicGroup
from missions.services import missions_content_load, roadmap_duplicate
from mot_portal.groups import EDITORS, VIEWERS
from mot_portal.publishing import Status
from tests.conftest import CONTENT_FILE, DATA_DIR, localized_url
from tests.missions.fixtures import publish
from tests.projects.test_models import PROJECTS_FILE, programme_file
from towns.models import Partner
from towns.services import content_load, towns_import
from workplan.services import programme_import

pytestmark = pytest.mark.django_db

MISSIONS_FILE = CONTENT_FILE.with_name("missions.json")
D = datetime.date


@pytest.mark.parametrize(
    ("fields", "years"),
    [
        ({"start_date": D(2022, 5, 10)}, (2022, 2022)),
        ({"start_date": D(2021, 3, 1), "end_date": D(2023, 1, 1)}, (2021, 2023)),
        # Still in progress when last confirmed: it covers the years up to that date.
        ({"start_date": D(2023, 1, 1), "progress": "in_progress", "progress_as_of": D(2024, 1, 1)}, (2023, 2024)),
        # Completed without an end date: only what is known.
        ({"start_date": D(2022, 5, 10), "progress": "completed", "progress_as_of": D(2025, 1, 1)}, (2022, 2022)),
        ({"progress": "planned", "progress_as_of": D(2020, 10, 1)}, (2020, 2020)),
        ({}, (None, None)),
    ],
)
def test_years_covered(fields, years):
    mission = Mission.objects.create(slug="m", title_fr="M", kind="other", **fields)
    mission.refresh_from_db()
    assert (mission.first_year, mission.last_year) == years


def test_dates_are_validated():
    mission = Mission(slug="m", title_fr="M", kind="other", start_date=D(2022, 5, 2), end_date=D(2022, 5, 1))
    with pytest.raises(ValidationError) as error:
        mission.full_clean()
    assert "end_date" in error.value.error_dict
    mission = Mission(slug="m", title_fr="M", kind="other", end_date=D(2022, 5, 1))
    with pytest.raises(ValidationError) as error:
        mission.full_clean()
    assert "start_date" in error.value.error_dict


def test_groups_and_actions_stay_within_their_mission(missions):
    group = ThematicGroup(mission=missions.bare, event=missions.flash.events.first(), name_fr="G")
    with pytest.raises(ValidationError):
        group.full_clean()
    hidden = missions.hidden_roadmap
    action = RoadmapAction(roadmap=hidden, title_fr="A", thematic_group=missions.group)
    with pytest.raises(ValidationError):
        action.full_clean()


def test_rich_text_is_sanitised_on_save():
    mission = Mission.objects.create(
        slug="m", title_fr="M", kind="other", summary_en='<p onclick="x()">Hi<script>alert(1)</script></p>'
    )
    event = MissionEvent.objects.create(
        mission=mission, kind="other", title_fr="E", description_fr='<p><img src="http://x.example/a.png">Texte</p>'
    )
    roadmap = Roadmap.objects.create(mission=mission, version=1, summary_fr="<style>p{}</style><p>R</p>")
    mission.refresh_from_db()
    event.refresh_from_db()
    roadmap.refresh_from_db()
    assert (mission.summary_en, event.description_fr, roadmap.summary_fr) == ("<p>Hi</p>", "<p>Texte</p>", "<p>R</p>")


def test_publishing_dates_the_mission_and_staff_groups_hold_the_permissions():
    mission = Mission.objects.create(slug="m", title_fr="M", kind="other")
    assert mission.published_at is None
    publish(mission)
    assert mission.published_at is not None
    assert Mission.objects.published().get() == mission
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    viewers = set(Group.objects.get(name=VIEWERS).permissions.values_list("codename", flat=True))
    assert {"change_mission", "add_roadmapaction", "delete_missionevent"} <= editors
    assert {"view_mission", "view_roadmap"} <= viewers
    assert "change_mission" not in viewers


def test_duplicating_a_roadmap_makes_a_draft_copy_of_its_actions(missions):
    copy = roadmap_duplicate(roadmap=missions.roadmap)
    assert (copy.version, copy.status, copy.date) == (3, Status.DRAFT, None)  # after the draft version 2
    titles = list(copy.actions.order_by("position").values_list("title_fr", flat=True))
    assert titles == list(missions.roadmap.actions.order_by("position").values_list("title_fr", flat=True))
    desk = copy.actions.get(title_fr="Créer une permanence santé")
    assert list(desk.partners.values_list("slug", flat=True)) == ["land-sarre"]
    assert desk.lead == missions.ministry
    # The original is untouched, and the public still sees it.
    assert missions.roadmap.actions.count() == 3
    assert Roadmap.objects.published().filter(mission=missions.flash).get() == missions.roadmap


@pytest.fixture
def seeded():
    towns_import(data_dir=DATA_DIR)
    content_load(path=CONTENT_FILE)
    programme_import(path=programme_file(), status="published")
    from projects.services import projects_content_load

    projects_content_load(path=PROJECTS_FILE)
    return missions_content_load(path=MISSIONS_FILE)


def test_seed_flash_mission_has_the_facts_of_the_source_and_nothing_more(seeded):
    assert seeded == {"national_programmes": 1, "missions": 2}
    flash = Mission.objects.get(slug="mission-flash-bouzonville-sierck-les-bains")
    assert flash.is_published
    assert (flash.kind, flash.progress, flash.national_programme.slug) == (
        "flash_mission",
        "completed",
        "petites-villes-de-demain",
    )
    assert sorted(flash.towns.values_list("name", flat=True)) == ["Bouzonville", "Sierck-les-Bains"]
    assert list(flash.intercommunalities.values_list("siren", flat=True)) == ["200067486"]
    assert sorted(flash.countries.values_list("code", flat=True)) == ["DE", "LU"]
    assert list(flash.workplan_actions.values_list("code", flat=True)) == ["3.1.1"]
    interviews, workshops = flash.events.order_by("position")
    assert (interviews.start_date, interviews.end_date) == (D(2022, 5, 10), D(2022, 5, 11))
    assert (workshops.start_date, workshops.participants_total, workshops.participants_approximate) == (
        D(2022, 5, 12),
        40,
        True,
    )
    # Three countries took part; no source gives how many people from each.
    assert sorted(workshops.participations.values_list("country__code", flat=True)) == ["DE", "FR", "LU"]
    assert not workshops.participations.filter(count__isnull=False).exists()
    groups = list(flash.thematic_groups.order_by("position").values_list("name_en", flat=True))
    assert groups == [
        "Environment and mobility",
        "Tourism and attractiveness",
        "Public services and healthcare provision",
    ]
    assert all(group.event == workshops for group in flash.thematic_groups.all())
    # The roadmap is recorded; the source lists none of its actions, so none is invented.
    roadmap = flash.roadmaps.get()
    assert (roadmap.version, roadmap.status, roadmap.date) == (1, Status.PUBLISHED, None)
    assert not roadmap.actions.exists()
    roles = set(flash.partner_roles.values_list("partner__slug", "role"))
    assert roles == {
        ("cc-bouzonvillois-trois-frontieres", "beneficiary"),
        ("anct", "support"),
        ("banque-des-territoires", "support"),
    }
    assert Partner.objects.get(slug="cc-bouzonvillois-trois-frontieres").competence_level == "intermunicipal"


def test_seed_experiment_and_no_2020_offer_item(seeded):
    experiment = Mission.objects.get(slug="experimentation-bassins-de-vie-transfrontaliers")
    assert experiment.cross_border_areas.count() == 5
    assert sorted(experiment.countries.values_list("code", flat=True)) == ["BE", "CH", "DE", "IT", "LU", "MC"]
    assert sorted(experiment.themes.values_list("slug", flat=True)) == [
        "employment-training",
        "health",
        "mobility",
        "public-services",
    ]
    assert experiment.partner_count == 16
    assert not experiment.partner_roles.exists()  # sixteen partners, none named
    assert (experiment.date_precision, experiment.first_year, experiment.last_year) == ("year", 2023, 2024)
    events = list(experiment.events.order_by("position"))
    assert [e.kind for e in events] == ["phase", "brainstorming", "consultation", "report"]
    assert events[1].period_label_fr == "automne 2023 – hiver 2024"
    assert events[3].period_label_en == "first half of 2024"
    assert events[3].is_planned
    assert all(e.start_date is None for e in events)  # no source gives a day
    assert list(experiment.workplan_actions.values_list("code", flat=True)) == ["3.4.2"]
    # The October 2020 offer items are services of the offer (support.Service), not missions.
    assert not Mission.objects.filter(slug__startswith="pvd-").exists()
    assert not Mission.objects.filter(progress="planned").exists()
    for mission in Mission.objects.all():
        assert mission.title_en
        assert mission.summary_en
        assert mission.source_document
        assert not MissionPartner.objects.filter(mission=mission, role="contributor").exists()


def test_seed_load_is_idempotent_and_keeps_edits(seeded):
    mission = Mission.objects.get(slug="experimentation-bassins-de-vie-transfrontaliers")
    mission.summary_en = "<p>Edited.</p>"
    mission.save()
    assert missions_content_load(path=MISSIONS_FILE) == {"national_programmes": 0, "missions": 0}
    assert Mission.objects.get(slug=mission.slug).summary_en == "<p>Edited.</p>"


def test_load_command_reports_a_bad_entry_and_writes_nothing(tmp_path, seeded):
    Mission.objects.all().delete()
    content = json.loads(MISSIONS_FILE.read_text(encoding="utf-8"))
    content["missions"][1]["workplan_actions"] = ["2025:9.9.9"]
    bad = tmp_path / "missions.json"
    bad.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing was changed: missions\.json"):
        call_command("load_missions", path=bad)
    assert not Mission.objects.exists()
    assert not Roadmap.objects.exists()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_seed_pages_render_well_with_their_empty_fields(client, seeded, lang):
    from django.utils.html import escape

    listing = client.get(localized_url("missions:mission_list", lang)).content.decode()
    assert "2 missions" in listing  # the same word in both languages
    # The October 2020 offer items are no longer listed as planned missions (they are the offer's services).
    assert "/missions/pvd-" not in listing
    assert ("Planned" if lang == "en" else "Prévue") not in listing
    for mission in Mission.objects.all():
        response = client.get(localized_url("missions:mission_detail", lang, slug=mission.slug))
        page = response.content.decode()
        assert response.status_code == 200
        assert escape(getattr(mission, f"title_{lang}")) in page
        assert "None" not in page
        assert "not yet fully translated" not in page
    flash = client.get(
        localized_url("missions:mission_detail", lang, slug="mission-flash-bouzonville-sierck-les-bains")
    )
    html = flash.content.decode()
    assert ("May 10–11, 2022" if lang == "en" else "10–11 mai 2022") in html
    assert ("No action of this roadmap" if lang == "en" else "Aucune action de cette feuille de route") in html
    town = client.get(localized_url("towns:town_detail", lang, insee_code="57650")).content.decode()
    assert "/mission-flash-bouzonville-sierck-les-bains/" in town
    action = client.get(localized_url("workplan:node", lang, year=2025, code="3.1.1")).content.decode()
    assert action.count('class="factsheet-card mission-card"') == 1  # the flash mission
    area = client.get(localized_url("towns:area_detail", lang, slug="eurodistrict-pamina")).content.decode()
    assert "/experimentation-bassins-de-vie-transfrontaliers/" in area
    partner = client.get(localized_url("towns:partner_detail", lang, slug="anct")).content.decode()
    assert "/missions/pvd-" not in partner
    assert "/mission-flash-bouzonville-sierck-les-bains/" in partner
    assert ("supporting partner" if lang == "en" else "partenaire en soutien") in partner
