"""The migrations of the architecture change keep what is stored: the PDF documents move to their own app (the
table and the staff groups' permissions with them), and a mission's progress and publication keep their values
under their new names."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("mot_portal", "0002_staff_groups"), ("missions", "0002_staff_groups")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_stored_documents_and_mission_fields_survive_the_move():
    old = _migrate(BEFORE)
    try:
        StoredDocument = old.get_model("mot_portal", "StoredDocument")
        StoredDocument.objects.create(
            kind="booklet", object_id=7, language="fr", status="ready", file="documents/booklet/b-fr-0123.pdf"
        )
        # A staff group holding a permission on the documents, as the staff-groups migration gave Editors.
        ContentType = old.get_model("contenttypes", "ContentType")
        Permission = old.get_model("auth", "Permission")
        content_type, _created = ContentType.objects.get_or_create(app_label="mot_portal", model="storeddocument")
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename="view_storeddocument", defaults={"name": "Can view stored document"}
        )
        old.get_model("auth", "Group").objects.create(name="Document readers").permissions.add(permission)
        Mission = old.get_model("missions", "Mission")
        Mission.objects.create(
            slug="m",
            title_fr="M",
            title="M",
            kind="other",
            status="in_progress",
            publication_status="published",
            published_at="2024-01-01T00:00:00Z",
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        latest = executor.loader.graph.leaf_nodes()
        executor.migrate(latest)
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from missions.models import Mission as NewMission
    from mot_portal.documents.models import StoredDocument as Moved

    document = Moved.objects.get()
    assert (document.kind, document.status, document.file.name) == (
        "booklet",
        "ready",
        "documents/booklet/b-fr-0123.pdf",
    )
    assert ContentType.objects.get_for_model(Moved).app_label == "documents"
    assert not ContentType.objects.filter(app_label="mot_portal", model="storeddocument").exists()
    readers = Group.objects.get(name="Document readers").permissions.get()
    assert (readers.codename, readers.content_type.app_label) == ("view_storeddocument", "documents")
    assert not Permission.objects.filter(content_type__app_label="mot_portal").exists()
    mission = NewMission.objects.get(slug="m")
    assert (mission.progress, mission.status) == ("in_progress", "published")
