"""What an edit refreshes: exactly the documents that show what it changed, once per transaction, after commit.

Every dependency a document kind declares has a scenario here that edits it and checks the refresh it queues (one
task, with exactly the expected (kind, object) pairs) and the PDFs it renders; a test fails if a kind declares a
dependency that no scenario edits. Tasks run in this process whatever the broker (the ``tasks`` fixture), so the
counts are those of the real services.
"""

from __future__ import annotations

import collections
import re

import pytest
from django.db import transaction

from missions.models import EventParticipation, MissionEvent, NationalProgramme, RoadmapAction
from missions.services import mission_update
from mot_portal import changes
from mot_portal.documents import registry, services
from mot_portal.documents.models import StoredDocument
from mot_portal.publishing import Status, status_change
from projects.models import FactsheetTown, Theme
from projects.services import TownRole, booklet_update, factsheet_update, theme_update
from tests.documents import pdf_text, store
from tests.factories import CrossBorderAreaFactory, DepartmentFactory
from towns.models import CrossBorderArea, Department
from towns.services import area_update, country_update, partner_update, town_update
from workplan.models import DealTheme, Programme, TransversalTheme, WorkItem

pytestmark = pytest.mark.django_db

State = StoredDocument.State


# --- Scenarios: one per declared dependency ------------------------------------------------------------------------
# Each edits what the dependency names and gives the pairs whose documents must be refreshed, and how many PDFs are
# rendered again (only the languages whose text changed).


def _factsheet_self(c):
    factsheet_update(factsheet=c.care, fields={"summary_en": "<p>Care for everyone.</p>"})
    return {("factsheet", c.care.pk), ("booklet", c.booklet.pk)}, 2


def _factsheet_theme(c):
    theme_update(theme=c.health, fields={"name_en": "Healthcare"})
    return {("factsheet", c.care.pk), ("booklet", c.booklet.pk)}, 2


def _factsheet_country(c):
    country_update(country=c.belgium, fields={"name_en": "Kingdom of Belgium"})
    return {("factsheet", c.care.pk), ("booklet", c.booklet.pk)}, 2


def _factsheet_town(c):
    town_update(town=c.towns[1], fields={"name": "Ville-Renommée"})
    pairs = {("factsheet", c.care.pk), ("factsheet", c.carpool.pk), ("booklet", c.booklet.pk)}
    return pairs, 6  # a town's name is the same in both languages


def _factsheet_department(c):
    department = c.towns[0].department
    department.name = "Nord (renommé)"
    department.save()  # imported data: the import or the API renames it
    pairs = {("factsheet", c.care.pk), ("factsheet", c.carpool.pk), ("booklet", c.booklet.pk)}
    return pairs, 6


def _factsheet_partner(c):
    partner_update(partner=c.partner, fields={"name_en": "Mons general hospital"})
    return {("factsheet", c.care.pk), ("booklet", c.booklet.pk)}, 2


def _factsheet_area(c):
    area_update(area=c.area, fields={"name_en": "Renamed Eurometropolis"})
    return {("factsheet", c.care.pk), ("booklet", c.booklet.pk)}, 2


def _booklet_self(c):
    from projects.services import booklet_update

    booklet_update(booklet=c.booklet, fields={"subtitle_en": "Examples from the borders"})
    return {("booklet", c.booklet.pk)}, 1


def _booklet_factsheet(c):
    status_change(obj=c.draft, status=Status.PUBLISHED)  # the booklet shows its published factsheets
    return {("factsheet", c.draft.pk), ("booklet", c.booklet.pk)}, 2  # the draft has no document yet: none made


def _cited_source(c):
    from editorial.sources import source_update

    source_update(source=c.source, fields={"note_en": "A corrected note."})  # the English citations only
    return {("factsheet", c.care.pk), ("booklet", c.booklet.pk)}, 2


CATALOGUE_SCENARIOS = {
    ("factsheet", "editorial.source"): _cited_source,
    ("booklet", "editorial.source"): _cited_source,
    ("factsheet", "projects.factsheet"): _factsheet_self,
    ("factsheet", "projects.theme"): _factsheet_theme,
    ("factsheet", "towns.country"): _factsheet_country,
    ("factsheet", "towns.town"): _factsheet_town,
    ("factsheet", "towns.department"): _factsheet_department,
    ("factsheet", "towns.partner"): _factsheet_partner,
    ("factsheet", "towns.crossborderarea"): _factsheet_area,
    ("booklet", "projects.booklet"): _booklet_self,
    ("booklet", "projects.factsheet"): _booklet_factsheet,
    ("booklet", "projects.theme"): _factsheet_theme,
    ("booklet", "towns.country"): _factsheet_country,
    ("booklet", "towns.town"): _factsheet_town,
    ("booklet", "towns.department"): _factsheet_department,
    ("booklet", "towns.partner"): _factsheet_partner,
    ("booklet", "towns.crossborderarea"): _factsheet_area,
}


def _roadmap_self(m):
    mission_update(mission=m.flash, fields={"summary_en": "<p>A renewed test mission.</p>"})
    return {("roadmap", m.flash.pk)}, 1


def _roadmap_programme(m):
    m.programme_record.name_en = "Small towns of tomorrow (renamed)"
    m.programme_record.save()
    return {("roadmap", m.flash.pk)}, 1


def _roadmap_town(m):
    town_update(town=m.towns[0], fields={"name": "Bourg-Renommé"})
    return {("roadmap", m.flash.pk), ("roadmap", m.draft.pk)}, 2


def _roadmap_department(m):
    department = m.towns[0].department
    department.name = "Nord (renommé)"
    department.save()
    return {("roadmap", m.flash.pk), ("roadmap", m.draft.pk)}, 2


def _roadmap_intercommunality(m):
    epci = m.towns[0].intercommunality
    epci.name = "CC renommée"
    epci.save()
    return {("roadmap", m.flash.pk)}, 2


def _roadmap_area(m):
    area_update(area=m.area, fields={"name_en": "Renamed pilot site"})
    return {("roadmap", m.flash.pk)}, 1


def _roadmap_country(m):
    country_update(country=m.germany, fields={"name_en": "Federal Republic of Germany"})
    return {("roadmap", m.flash.pk), ("roadmap", m.draft.pk)}, 1


def _roadmap_france(m):
    country_update(country=m.france, fields={"name_en": "French Republic"})
    everything = {("roadmap", pk) for pk in (m.flash.pk, m.bare.pk, m.draft.pk)}
    return everything, 1  # every roadmap shows France; only the flash mission's is public


def _roadmap_theme(m):
    theme_update(theme=m.mobility, fields={"name_en": "Transport"})
    return {("roadmap", m.flash.pk)}, 1


def _roadmap_partner(m):
    partner_update(partner=m.land, fields={"name_en": "Saarland"})  # partner of an action of the roadmap
    return {("roadmap", m.flash.pk)}, 1


def _programme_self(m):
    m.programme.title_en = "MOT work programme 2025 (revised)"
    m.programme.save()
    return {("programme", m.programme.pk)}, 1


def _programme_deal_theme(m):
    theme = DealTheme.objects.order_by("number").first()
    theme.name_en = f"{theme.name_en} (renamed)"
    theme.save()
    return {("programme", m.programme.pk)}, 1


def _programme_transversal_theme(m):
    theme = TransversalTheme.objects.order_by("slug").first()
    theme.name_en = f"{theme.name_en} (renamed)"
    theme.save()
    return {("programme", m.programme.pk)}, 1


def _roadmap_source(m):
    from editorial.sources import source_update

    source_update(source=m.source, fields={"note_en": "A corrected note."})  # the English citations only
    return {("roadmap", m.flash.pk), ("programme", m.programme.pk)}, 2


MISSIONS_SCENARIOS = {
    ("roadmap", "editorial.source"): _roadmap_source,
    ("programme", "editorial.source"): _roadmap_source,
    ("roadmap", "missions.mission"): _roadmap_self,
    ("roadmap", "missions.nationalprogramme"): _roadmap_programme,
    ("roadmap", "towns.town"): _roadmap_town,
    ("roadmap", "towns.department"): _roadmap_department,
    ("roadmap", "towns.intercommunality"): _roadmap_intercommunality,
    ("roadmap", "towns.crossborderarea"): _roadmap_area,
    ("roadmap", "towns.country"): _roadmap_country,
    ("roadmap", "towns.country:everywhere"): _roadmap_france,
    ("roadmap", "projects.theme"): _roadmap_theme,
    ("roadmap", "towns.partner"): _roadmap_partner,
    ("programme", "workplan.programme"): _programme_self,
    ("programme", "workplan.dealtheme:everywhere"): _programme_deal_theme,
    ("programme", "workplan.transversaltheme:everywhere"): _programme_transversal_theme,
}


def _declared() -> set[tuple[str, str]]:
    declared = set()
    for kind in registry.kinds():
        if kind.refresh_stored_only:  # the diagnostic: tests/towns/test_diagnostic_pdf.py has a scenario for each
            continue
        for dependency in kind.depends_on:
            suffix = ":everywhere" if dependency.everywhere is not False else ""
            declared.add((kind.name, f"{dependency.model._meta.label_lower}{suffix}"))
    return declared


def test_every_declared_dependency_has_a_scenario():
    assert _declared() == set(CATALOGUE_SCENARIOS) | set(MISSIONS_SCENARIOS)


def _source():
    from editorial.models import Source

    return Source.objects.create(title="A source", publisher="MOT", note_fr="Une note.", note_en="A note.")


@pytest.fixture
def stored_catalogue(catalogue):
    DepartmentFactory(code="57", name="Moselle")  # another department a commune could move to
    catalogue.area = CrossBorderAreaFactory(slug="eurometropole", name_fr="Eurométropole", name_en="Eurometropolis")
    catalogue.source = _source()
    factsheet_update(factsheet=catalogue.care, fields={"cross_border_area": catalogue.area}, sources=[catalogue.source])
    booklet_update(booklet=catalogue.booklet, sources=[catalogue.source])
    store(
        ("factsheet", catalogue.care.pk),
        ("factsheet", catalogue.carpool.pk),
        ("booklet", catalogue.booklet.pk),
    )
    return catalogue


@pytest.mark.parametrize("scenario", sorted(CATALOGUE_SCENARIOS), ids="-".join)
def test_an_edit_refreshes_exactly_the_documents_that_show_it(tasks, stored_catalogue, scenario):
    with tasks() as log:
        expected, renders = CATALOGUE_SCENARIOS[scenario](stored_catalogue)
    stored = set(StoredDocument.objects.values_list("kind", "object_id"))
    assert log.names()["refresh"] == 1  # one refresh for the whole transaction
    assert log.refreshed() == expected & stored  # only documents someone asked for (PDF_RENDER_ON_PUBLISH off)
    assert log.names()["render_document"] == renders
    assert log.pdfs == renders


@pytest.fixture
def stored_missions(missions):
    DepartmentFactory(code="57", name="Moselle")
    missions.programme = Programme.objects.get()
    missions.programme_record = NationalProgramme.objects.create(
        slug="pvd", name_fr="Petites villes de demain", name_en="Small towns of tomorrow"
    )
    missions.area = CrossBorderAreaFactory(slug="site-pilote", name_fr="Site pilote", name_en="Pilot site")
    mission_update(
        mission=missions.flash,
        fields={"national_programme": missions.programme_record},
        cross_border_areas=[missions.area],
        sources=[_source()],
    )
    missions.source = missions.flash.sources.get()
    missions.programme.sources.add(missions.source)
    store(("roadmap", missions.flash.pk), ("programme", missions.programme.pk))
    return missions


@pytest.mark.parametrize("scenario", sorted(MISSIONS_SCENARIOS), ids="-".join)
def test_an_edit_refreshes_exactly_the_roadmaps_and_programmes_that_show_it(tasks, stored_missions, scenario):
    with tasks() as log:
        expected, renders = MISSIONS_SCENARIOS[scenario](stored_missions)
    stored = set(StoredDocument.objects.values_list("kind", "object_id"))
    assert log.names()["refresh"] == 1
    assert log.refreshed() == expected & stored  # only documents someone asked for (PDF_RENDER_ON_PUBLISH off)
    assert log.names()["render_document"] == renders
    assert log.pdfs == renders


# --- The rows of a record ------------------------------------------------------------------------------------------


def test_a_row_of_a_factsheet_is_a_change_of_the_factsheet(tasks, stored_catalogue):
    c = stored_catalogue
    with tasks() as log:
        FactsheetTown.objects.filter(factsheet=c.care, role="beneficiary").update(role="partner")  # no signal…
        changes.record(FactsheetTown, FactsheetTown.objects.filter(factsheet=c.care).values_list("pk", flat=True))
    assert log.refreshed() == {("factsheet", c.care.pk), ("booklet", c.booklet.pk)}
    with tasks() as log:
        FactsheetTown.objects.filter(factsheet=c.carpool).delete()
    assert log.refreshed() == {("factsheet", c.carpool.pk), ("booklet", c.booklet.pk)}
    assert log.pdfs == 4  # no town any more, in both languages, in the factsheet and the booklet


def test_the_rows_of_a_mission_are_changes_of_its_roadmap(tasks, stored_missions):
    m = stored_missions
    event = MissionEvent.objects.filter(mission=m.flash).first()
    with tasks() as log:
        EventParticipation.objects.filter(event=event).first().delete()  # a row of a row
    assert log.refreshed() == {("roadmap", m.flash.pk)}
    action = RoadmapAction.objects.filter(roadmap=m.roadmap).first()
    with tasks() as log:
        action.title_en = "Open a health desk in both towns"
        action.save()
    assert (log.refreshed(), log.pdfs) == ({("roadmap", m.flash.pk)}, 1)
    with tasks() as log:
        action.factsheets.clear()  # not in the PDF
    assert log.queued == []
    with tasks() as log:
        WorkItem.objects.lines().first().save()  # saved unchanged: refreshed, nothing rendered
    assert (log.refreshed(), log.pdfs) == ({("programme", m.programme.pk)}, 0)


# --- Edits no document shows ----------------------------------------------------------------------------------------


def test_edits_no_document_shows_queue_nothing(tasks, stored_catalogue):
    c = stored_catalogue
    edits = [
        lambda: town_update(town=c.towns[0], fields={"population": 4321}),  # the PDF shows its name only
        lambda: partner_update(partner=c.partner, fields={"website": "https://example.org/"}),
        lambda: partner_update(partner=c.partner, fields={}, towns=c.towns[:2]),
        lambda: theme_update(theme=Theme.objects.create(slug="unused", name_fr="Inutilisé"), fields={"position": 9}),
        lambda: factsheet_update(factsheet=c.draft, fields={"summary_en": "<p>Still a draft.</p>"}),  # no document
        lambda: area_update(area=CrossBorderArea.objects.create(slug="x", name_fr="X"), fields={"name_en": "X"}),
    ]
    for edit in edits:
        with tasks() as log:
            edit()
        assert log.queued == [], log.queued


def test_mission_links_the_pdf_does_not_show_queue_nothing(tasks, stored_missions):
    m = stored_missions
    with tasks() as log:
        mission_update(mission=m.flash, fields={}, workplan_actions=[], factsheets=[], booklets=[])
    assert log.queued == []


def test_a_transaction_rolled_back_queues_nothing(tasks, stored_catalogue):
    c = stored_catalogue
    with tasks() as log:
        try:
            with transaction.atomic():
                theme_update(theme=c.health, fields={"name_en": "Rolled back"})
                raise RuntimeError
        except RuntimeError:
            pass
        theme_update(theme=c.mobility, fields={"name_en": "Getting around"})  # after it: this one counts
    assert log.refreshed() == {("factsheet", c.carpool.pk), ("booklet", c.booklet.pk)}
    assert pdf_text("factsheet", c.care.pk, "en").count("Rolled back") == 0


def test_a_bulk_edit_of_many_records_is_one_refresh(tasks, stored_catalogue):
    c = stored_catalogue
    with tasks() as log:
        for town in c.towns:
            town_update(town=town, fields={"name": f"{town.name} bis"})
        theme_update(theme=c.health, fields={"name_en": "Care"})
        factsheet_update(factsheet=c.care, town_roles=[TownRole(c.towns[2], "partner")])
    assert log.names() == {"refresh": 1, "render_document": 6}
    assert log.refreshed() == {("factsheet", c.care.pk), ("factsheet", c.carpool.pk), ("booklet", c.booklet.pk)}


# --- Renames reach the PDFs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rename", "kind", "old", "new"),
    [
        ("theme", "factsheet", "Health", "Healthcare"),
        ("partner", "factsheet", "Mons hospital", "Mons general hospital"),
        ("town", "factsheet", "{town}", "Ville-Renommée"),
        ("country", "factsheet", "Belgium", "Kingdom of Belgium"),
        ("area", "factsheet", "Eurometropolis", "Renamed Eurometropolis"),
        ("department", "factsheet", "Nord", "Flandre"),
    ],
)
def test_a_rename_reaches_the_ready_pdfs(tasks, stored_catalogue, rename, kind, old, new):
    c = stored_catalogue
    old = old.format(town=c.towns[0].name)
    assert old in pdf_text("factsheet", c.care.pk, "en")
    with tasks():
        if rename == "theme":
            theme_update(theme=c.health, fields={"name_en": new})
        elif rename == "partner":
            partner_update(partner=c.partner, fields={"name_en": new})
        elif rename == "town":
            town_update(town=c.towns[0], fields={"name": new})
        elif rename == "country":
            country_update(country=c.belgium, fields={"name_en": new})
        elif rename == "area":
            area_update(area=c.area, fields={"name_en": new})
        else:
            Department.objects.filter(pk=c.towns[0].department_id).update(name=new)
            changes.record(Department, [c.towns[0].department_id], fields={"name"})  # as the import does
    for pk, language in ((c.care.pk, "en"), (c.booklet.pk, "en")):
        text = pdf_text("factsheet" if pk == c.care.pk else "booklet", pk, language)
        assert new in text
        assert not re.search(rf"{re.escape(old)}(?! general|\w)", text.replace(new, "")), text


@pytest.mark.parametrize("rename", ["intercommunality", "programme", "deal_theme", "transversal_theme", "france"])
def test_a_rename_reaches_the_ready_roadmaps_and_programmes(tasks, stored_missions, rename):
    m = stored_missions
    if rename == "intercommunality":
        record, field, kind, pk = m.towns[0].intercommunality, "name", "roadmap", m.flash.pk
    elif rename == "programme":
        record, field, kind, pk = m.programme_record, "name_en", "roadmap", m.flash.pk
    elif rename == "france":
        record, field, kind, pk = m.france, "name_en", "roadmap", m.flash.pk
    elif rename == "deal_theme":
        record, field, kind, pk = DealTheme.objects.get(number=1), "name_en", "programme", m.programme.pk
    else:
        record, field, kind, pk = TransversalTheme.objects.first(), "name_en", "programme", m.programme.pk
    new = "Renamed for the test"
    with tasks():
        setattr(record, field, new)
        record.save()
    assert new.lower() in pdf_text(kind, pk, "en").lower()  # (the kicker is set in capitals)


# --- Publication ----------------------------------------------------------------------------------------------------


def test_publishing_in_the_admin_prepares_both_languages_and_unpublishing_withdraws(
    tasks, stored_catalogue, client, staff_reviewer, settings
):
    c = stored_catalogue
    settings.PDF_RENDER_ON_PUBLISH = True
    client.force_login(staff_reviewer)
    with tasks() as log:
        client.post("/en/admin/projects/factsheet/", {"action": "mark_published", "_selected_action": [c.draft.pk]})
    assert log.refreshed() == {("factsheet", c.draft.pk), ("booklet", c.booklet.pk)}
    assert log.names()["refresh"] == 1
    drafts = StoredDocument.objects.filter(kind="factsheet", object_id=c.draft.pk)
    assert sorted(drafts.values_list("language", "status")) == [("en", State.READY), ("fr", State.READY)]
    assert "Secret draft" in pdf_text("booklet", c.booklet.pk, "en")  # published: now in the booklet
    file_name = StoredDocument.objects.get(kind="factsheet", object_id=c.care.pk, language="fr").file.name
    with tasks() as log:
        client.post("/en/admin/projects/factsheet/", {"action": "mark_draft", "_selected_action": [c.care.pk]})
    withdrawn = StoredDocument.objects.filter(kind="factsheet", object_id=c.care.pk)
    assert set(withdrawn.values_list("status", "file")) == {(State.WITHDRAWN, "")}
    assert not (settings.MEDIA_ROOT / file_name).exists()  # the file itself is gone
    assert "Cross-border health centre" not in pdf_text("booklet", c.booklet.pk, "en")
    assert client.get("/en/documents/factsheet/maison-de-sante/en/").status_code == 404
    assert client.get("/api/v1/factsheets/maison-de-sante/pdf/en/").status_code == 404
    assert client.get("/en/factsheets/maison-de-sante/").status_code == 404


def test_programme_publication_actions_prepare_and_withdraw(tasks, stored_missions, client, staff_reviewer, settings):
    m = stored_missions
    client.force_login(staff_reviewer)
    with tasks() as log:
        client.post("/en/admin/workplan/programme/", {"action": "unpublish", "_selected_action": [m.programme.pk]})
    assert log.refreshed() == {("programme", m.programme.pk)}
    assert set(StoredDocument.objects.filter(kind="programme").values_list("status", flat=True)) == {State.WITHDRAWN}
    assert client.get("/en/documents/programme/2025/en/").status_code == 404
    assert client.get("/api/v1/programmes/2025/").status_code == 404
    settings.PDF_RENDER_ON_PUBLISH = True
    with tasks() as log:
        client.post("/en/admin/workplan/programme/", {"action": "publish", "_selected_action": [m.programme.pk]})
    assert (log.refreshed(), log.pdfs) == ({("programme", m.programme.pk)}, 2)
    assert set(StoredDocument.objects.filter(kind="programme").values_list("status", flat=True)) == {State.READY}


def test_deleting_a_record_deletes_its_documents(tasks, stored_catalogue, settings):
    c = stored_catalogue
    c.booklet.entries.filter(factsheet=c.carpool).delete()  # a factsheet in a booklet cannot be deleted
    pk = c.carpool.pk
    files = [document.file.name for document in StoredDocument.objects.filter(kind="factsheet", object_id=pk)]
    with tasks() as log:
        c.carpool.delete()
    assert log.refreshed() == {("factsheet", pk)}
    assert not StoredDocument.objects.filter(kind="factsheet", object_id=pk).exists()
    assert len(files) == 2
    assert not any((settings.MEDIA_ROOT / name).exists() for name in files)


# --- The content version ---------------------------------------------------------------------------------------------


def test_the_content_version_changes_after_commit_and_only_for_what_changed(tasks, stored_catalogue):
    c = stored_catalogue
    projects, towns = changes.content_version("projects"), changes.content_version("towns")
    assert changes.content_version("projects") == projects  # stable while nothing changes
    with tasks():
        factsheet_update(factsheet=c.care, fields={"budget": "1 M€"})
        assert changes.content_version("projects") == projects  # not before commit
    assert changes.content_version("projects") != projects
    assert changes.content_version("projects.factsheet") != changes.content_version("projects.booklet")
    assert changes.content_version("towns") == towns
    projects = changes.content_version("projects")
    try:
        with tasks():
            factsheet_update(factsheet=c.care, fields={"budget": "2 M€"})
            raise RuntimeError
    except RuntimeError:
        pass
    assert changes.content_version("projects") == projects  # rolled back: nothing changed


def test_registered_kinds_come_from_their_apps():
    assert {(kind.name, kind.model._meta.app_label) for kind in registry.kinds()} == {
        ("booklet", "projects"),
        ("factsheet", "projects"),
        ("roadmap", "missions"),
        ("programme", "workplan"),
        ("diagnostic", "towns"),
    }
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(registry.get("booklet").__class__(**{**registry.get("booklet").__dict__, "template": "x"}))


# --- The fields a dependency lists are all the document shows of the record ----------------------------------------


def _other_value(field, value):
    """A different value for ``field`` (None when no safe one comes to mind: the field is skipped)."""
    import datetime
    from decimal import Decimal

    from django.db import models

    if field.choices:
        others = [choice for choice, _label in field.choices if choice != value]
        return others[0] if others else None
    if isinstance(field, models.ForeignKey):
        other = field.related_model._base_manager.exclude(pk=value).first()
        return other.pk if other is not None else None
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.URLField):
        return "https://example.org/other"
    if isinstance(field, models.CharField | models.TextField):
        text = f"{value or ''}zz"
        return text[-field.max_length :] if field.max_length else text
    if isinstance(field, models.DecimalField):
        return (value or Decimal(0)) + 1
    if isinstance(field, models.IntegerField):
        return (value or 0) + 1
    if isinstance(field, models.DateField):
        return (value or datetime.date(2020, 1, 1)) + datetime.timedelta(days=1)
    return None


def _html(spec, object_id: int) -> list[str]:
    obj = spec.load(object_id)
    return [services.document_html(kind=spec, obj=obj, language=language) for language in ("fr", "en")]


def _fields_shown_are_declared(kinds_and_objects):
    """For each dependency listing ``fields``, change every other field of a record the documents show: their
    HTML must not change (else the field belongs in the list, or a change to it would leave them stale)."""
    from django.db import IntegrityError
    from django.db.models import FileField

    checked = collections.Counter()
    for spec, object_id in kinds_and_objects:
        for dependency in spec.depends_on:
            if dependency.fields is None or dependency.everywhere is not False:
                continue
            model = dependency.model
            record = next(
                (r for r in model._base_manager.order_by("pk") if object_id in dependency.objects(spec, [r.pk])), None
            )
            if record is None:
                continue
            listed = changes._concrete_fields(model, set(dependency.fields))
            names = {f.name for f in model._meta.concrete_fields}
            before = _html(spec, object_id)
            for field in model._meta.concrete_fields:
                if field.primary_key or field.attname in listed or isinstance(field, FileField):
                    continue
                if f"{field.name}_fr" in names:
                    continue  # a translated field is stored in its language versions (``name_fr``…)
                value = _other_value(field, getattr(record, field.attname))
                if value is None:
                    continue
                try:
                    with transaction.atomic():
                        model._base_manager.filter(pk=record.pk).update(**{field.attname: value})
                        after = _html(spec, object_id)
                        transaction.set_rollback(True)
                except IntegrityError:
                    continue  # a value the database refuses: no record can have it
                assert after == before, f"{spec.name} shows {model._meta.label}.{field.name}: add it to its fields"
                checked[spec.name] += 1
    return checked


def test_what_a_factsheet_or_booklet_shows_of_other_records_is_declared(stored_catalogue):
    from mot_portal.documents import registry as kinds

    c = stored_catalogue
    checked = _fields_shown_are_declared(
        [
            (kinds.get("factsheet"), c.care.pk),
            (kinds.get("factsheet"), c.carpool.pk),
            (kinds.get("booklet"), c.booklet.pk),
        ]
    )
    # not a vacuous check: so many fields changed, none shown (fewer since the maps show the towns' positions)
    assert checked["factsheet"] >= 15
    assert checked["booklet"] >= 15


def test_what_a_roadmap_shows_of_other_records_is_declared(stored_missions):
    from mot_portal.documents import registry as kinds

    checked = _fields_shown_are_declared([(kinds.get("roadmap"), stored_missions.flash.pk)])
    assert checked["roadmap"] >= 25


# --- Rows that move, levels of rows, many objects ------------------------------------------------------------------


@pytest.fixture
def two_roadmaps(stored_missions):
    """The flash mission and the webinars, both with a published roadmap and their PDFs stored."""
    from missions.models import Roadmap

    m = stored_missions
    roadmap = Roadmap.objects.create(mission=m.bare, version=1, summary_fr="<p>Webinaires.</p>")
    status_change(obj=roadmap, status=Status.PUBLISHED)
    MissionEvent.objects.create(mission=m.bare, kind="webinar", title_fr="Webinaire", position=1)
    store(("roadmap", m.bare.pk))
    return m


def test_a_row_moved_to_another_record_refreshes_both(tasks, two_roadmaps):
    m = two_roadmaps
    event = MissionEvent.objects.filter(mission=m.flash).order_by("position").last()
    with tasks() as log:
        event.mission = m.bare
        event.save()
    assert log.refreshed() == {("roadmap", m.flash.pk), ("roadmap", m.bare.pk)}
    assert "Ateliers" not in pdf_text("roadmap", m.flash.pk, "fr")
    assert "Ateliers" in pdf_text("roadmap", m.bare.pk, "fr")


def test_rows_of_rows_reach_their_record_whatever_the_order(tasks, two_roadmaps):
    m = two_roadmaps
    with tasks() as log:
        event = MissionEvent.objects.get(mission=m.bare)
        event.title_fr = "Webinaire de lancement"
        event.save()  # a row (an event) of the webinars…
        participation = EventParticipation.objects.filter(event__mission=m.flash).first()
        participation.count = 12
        participation.save()  # …then a row of a row (participants of an event) of the flash mission
    assert log.refreshed() == {("roadmap", m.flash.pk), ("roadmap", m.bare.pk)}


def test_a_change_shown_by_many_documents_is_refreshed_in_chunks(tasks, db):
    from mot_portal.documents.invalidation import REFRESH_CHUNK, queue_refresh

    StoredDocument.objects.bulk_create(
        StoredDocument(kind="factsheet", object_id=n, language="fr", status=State.READY) for n in range(1, 121)
    )
    with tasks() as log:
        queue_refresh({("factsheet", n) for n in range(1, 121)})
    sizes = [len(args[0]) for name, args in log.queued if name.endswith("documents.refresh")]
    assert sizes == [REFRESH_CHUNK, REFRESH_CHUNK, 120 - 2 * REFRESH_CHUNK]
    assert not StoredDocument.objects.exists()  # no such factsheets: their documents went


def test_a_failed_document_recovers_once_its_template_is_fixed(stored_catalogue, monkeypatch):
    import dataclasses

    c = stored_catalogue
    spec = registry.get("factsheet")
    monkeypatch.setitem(registry._kinds, "factsheet", dataclasses.replace(spec, template="pdf/broken.html"))
    failed = services.document_request(kind="factsheet", object_id=c.care.pk, language="fr")
    assert failed.status == State.FAILED
    monkeypatch.setitem(registry._kinds, "factsheet", spec)
    recovered = services.document_request(kind="factsheet", object_id=c.care.pk, language="fr")
    assert (recovered.status, recovered.error) == (State.READY, "")  # the stored file shows this content
