"""Restoring a version of a booklet, a roadmap and a mission: their rows and relations come back as they were,
through the apps' services."""

import pytest
import reversion
from reversion.models import Version

from editorial.history import version_restore
from missions.models import RoadmapAction
from projects.models import BookletEntry
from projects.services import booklet_update
from tests.missions.fixtures import missions  # noqa: F401
from tests.projects import fixtures as project_fixtures

pytestmark = pytest.mark.django_db
catalogue = project_fixtures.catalogue  # the fixture, also without the editorial conftest


def _saved(edit, user=None):
    with reversion.create_revision():
        edit()
        if user is not None:
            reversion.set_user(user)
    return None


def test_a_booklets_factsheets_come_back_in_their_order(catalogue, staff_editor):
    booklet = catalogue.booklet
    _saved(lambda: booklet_update(booklet=booklet, fields={"title_en": "Booklet"}))
    earlier = Version.objects.get_for_object(booklet).first()
    _saved(lambda: booklet_update(booklet=booklet, factsheets=[catalogue.care]))
    assert list(BookletEntry.objects.filter(booklet=booklet).values_list("factsheet__slug", flat=True)) == [
        "maison-de-sante"
    ]
    version_restore(version=earlier, user=staff_editor)
    entries = BookletEntry.objects.filter(booklet=booklet).order_by("position")
    assert [entry.factsheet.slug for entry in entries] == ["covoiturage", "brouillon-secret", "maison-de-sante"]
    booklet.refresh_from_db()
    assert booklet.status == "published"


def test_a_roadmaps_actions_come_back_as_they_were(missions, staff_editor):  # noqa: F811
    from mot_portal.services import instance_save

    roadmap = missions.roadmap
    _saved(lambda: instance_save(instance=roadmap, fields={"summary_fr": "<p>Première version.</p>"}))
    earlier = Version.objects.get_for_object(roadmap).first()
    assert len(Version.objects.filter(revision=earlier.revision, content_type__model="roadmapaction")) == 3
    kept = roadmap.actions.get(title_fr="Créer une permanence santé")
    gone = roadmap.actions.get(title_fr="Se réunir chaque année")

    def edit():
        instance_save(instance=roadmap, fields={"summary_fr": "<p>Seconde version.</p>"})
        instance_save(instance=kept, fields={"title_fr": "Créer deux permanences"}, relations={"partners": []})
        gone.delete()
        RoadmapAction.objects.create(roadmap=roadmap, position=9, title_fr="Action ajoutée")

    _saved(edit)
    version_restore(version=earlier, user=staff_editor)
    roadmap.refresh_from_db()
    assert roadmap.summary_fr == "<p>Première version.</p>"
    titles = sorted(roadmap.actions.values_list("title_fr", flat=True))
    assert titles == ["Créer une permanence santé", "Se réunir chaque année", "Étudier une ligne de bus"]
    kept.refresh_from_db()
    assert [p.slug for p in kept.partners.all()] == [missions.land.slug]
    assert roadmap.status == "published"


def test_a_missions_relations_come_back(missions, staff_editor):  # noqa: F811
    from missions.services import mission_update

    mission = missions.flash
    towns = list(mission.towns.all())
    _saved(lambda: mission_update(mission=mission, fields={"summary_en": "<p>First.</p>"}))
    earlier = Version.objects.get_for_object(mission).first()
    _saved(lambda: mission_update(mission=mission, fields={"summary_en": "<p>Second.</p>"}, towns=[]))
    version_restore(version=earlier, user=staff_editor)
    mission.refresh_from_db()
    assert mission.summary_en == "<p>First.</p>"
    assert sorted(t.pk for t in mission.towns.all()) == sorted(t.pk for t in towns)
