"""Editing what a PDF shows queues its refresh after the transaction commits (unchanged content renders nothing).

Only documents someone has asked for are refreshed, unless ``PDF_RENDER_ON_PUBLISH`` is set (the default
when a broker runs the tasks): then a published object's documents are prepared in both languages as soon as
it is saved, so the first reader gets them at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from mot_portal.models import StoredDocument

Kind = StoredDocument.Kind


def _published(obj, field: str = "status") -> bool:
    return getattr(obj, field, None) == "published"


def _targets(sender, instance) -> list[tuple[str, int, bool]]:
    """(kind, object id, is the object itself published) of the documents showing ``instance``."""
    from missions.models import (
        EventParticipation,
        Mission,
        MissionEvent,
        MissionPartner,
        Roadmap,
        RoadmapAction,
        ThematicGroup,
    )
    from projects.models import Booklet, BookletEntry, Factsheet
    from workplan.models import Programme, WorkItem

    if sender is Factsheet:
        booklets = Booklet.objects.filter(entries__factsheet=instance).values_list("pk", flat=True)
        return [(Kind.FACTSHEET, instance.pk, _published(instance))] + [(Kind.BOOKLET, pk, False) for pk in booklets]
    if sender is Booklet:
        return [(Kind.BOOKLET, instance.pk, _published(instance))]
    if sender is BookletEntry:
        return [(Kind.BOOKLET, instance.booklet_id, False)]
    if sender is Mission:
        return [(Kind.ROADMAP, instance.pk, _published(instance, "publication_status"))]
    if sender is Roadmap:
        return [(Kind.ROADMAP, instance.mission_id, False)]
    if sender is RoadmapAction:
        return [
            (
                Kind.ROADMAP,
                Roadmap.objects.filter(pk=instance.roadmap_id).values_list("mission", flat=True).first(),
                False,
            )
        ]
    if sender in (MissionEvent, ThematicGroup, MissionPartner):
        return [(Kind.ROADMAP, instance.mission_id, False)]
    if sender is EventParticipation:
        return [
            (
                Kind.ROADMAP,
                MissionEvent.objects.filter(pk=instance.event_id).values_list("mission", flat=True).first(),
                False,
            )
        ]
    if sender is Programme:
        return [(Kind.PROGRAMME, instance.pk, _published(instance))]
    if sender is WorkItem:
        return [(Kind.PROGRAMME, instance.programme_id, False)]
    return []


def queue_refresh(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures loading
    from mot_portal.tasks import refresh_documents

    for kind, object_id, published in _targets(sender, instance):
        if object_id is None:
            continue
        create = published and settings.PDF_RENDER_ON_PUBLISH
        if create or StoredDocument.objects.filter(kind=kind, object_id=object_id).exists():
            transaction.on_commit(
                lambda kind=kind, object_id=object_id, create=create: refresh_documents.delay(kind, object_id, create)
            )


def connect() -> None:
    from missions.models import (
        EventParticipation,
        Mission,
        MissionEvent,
        MissionPartner,
        Roadmap,
        RoadmapAction,
        ThematicGroup,
    )
    from projects.models import Booklet, BookletEntry, Factsheet
    from workplan.models import Programme, WorkItem

    senders = [Factsheet, Booklet, BookletEntry, Mission, Roadmap, RoadmapAction, MissionEvent, ThematicGroup,
               MissionPartner, EventParticipation, Programme, WorkItem]  # fmt: skip
    for sender in senders:
        post_save.connect(queue_refresh, sender=sender, dispatch_uid=f"pdf-refresh-save-{sender.__name__}")
        post_delete.connect(queue_refresh, sender=sender, dispatch_uid=f"pdf-refresh-delete-{sender.__name__}")
    for through in (Factsheet.countries.through, Factsheet.themes.through, Mission.towns.through,
                    Mission.countries.through, Mission.themes.through, RoadmapAction.partners.through):  # fmt: skip
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"pdf-refresh-m2m-{through.__name__}")


def _m2m_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        queue_refresh(type(instance), instance)
