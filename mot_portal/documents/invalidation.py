"""Refresh the documents an edit affects: once per transaction, after commit, and only those that show it.

The change collector (``mot_portal.changes``) hands over each committed change set; the registry turns it into
(kind, object id) pairs; one task refreshes them all. Deletions are worked out before the rows go (a deleted
theme's factsheets cannot be found afterwards). Only documents that exist are refreshed, unless
``PDF_RENDER_ON_PUBLISH`` is set (the default when a broker runs the tasks): then a public object's documents are
prepared in both languages as soon as it changes, so the first reader gets them at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Model, Q

from mot_portal import changes
from mot_portal.documents import registry
from mot_portal.documents.models import StoredDocument

RESOLVED = "documents"  # the key of the pairs worked out before commit, in ChangeSet.resolved


class DocumentsSubscriber(changes.Subscriber):
    def deleting(self, model: type[Model], instance: Model, change_set: changes.ChangeSet) -> None:
        # Only stored documents can need a refresh for a deletion: the kinds that have none are skipped (looked
        # up once per transaction), so deleting thousands of rows no document shows costs one query.
        if "stored kinds" not in change_set.memo:
            kinds = StoredDocument.objects.exclude(status=StoredDocument.State.WITHDRAWN).values_list("kind", flat=True)
            change_set.memo["stored kinds"] = set(kinds.order_by().distinct())
        kinds = change_set.memo["stored kinds"]
        if kinds:
            change_set.resolved[RESOLVED].update(registry.affected_by_deletion(model, instance.pk, kinds=kinds))

    def committed(self, change_set: changes.ChangeSet) -> None:
        pairs = set(change_set.resolved.get(RESOLVED, ())) | registry.affected(change_set)
        queue_refresh(pairs)


# Objects per refresh task: a change shown by hundreds of documents (a country renamed) is refreshed by several
# tasks, each well within the task time limit.
REFRESH_CHUNK = 50


def queue_refresh(pairs: set[tuple[str, int]]) -> None:
    """Queue the refresh of the documents of ``pairs`` that exist and are not withdrawn (or, with
    ``PDF_RENDER_ON_PUBLISH``, of public objects too): one task, or one per 50 objects. Nothing is queued when
    none is concerned. When the broker is unavailable (the saved edit is not failed for it), the refreshes are
    kept in the database (``PendingRefresh``) and the reconciliation runs them once it is back."""
    from mot_portal.documents.services import queue_task, refreshes_postpone
    from mot_portal.documents.tasks import refresh_documents_of

    if not pairs:
        return
    create = settings.PDF_RENDER_ON_PUBLISH
    kinds = {kind for kind, _id in pairs}
    stored = StoredDocument.objects.filter(kind__in=kinds, object_id__in={object_id for _kind, object_id in pairs})
    stored = stored.exclude(status=StoredDocument.State.WITHDRAWN).order_by()
    concerned = set(stored.values_list("kind", "object_id")) & pairs
    if create:
        for kind in kinds:
            if registry.get(kind).refresh_stored_only:
                continue
            ids = [object_id for name, object_id in pairs if name == kind]
            public = registry.get(kind).public().filter(Q(pk__in=ids)).values_list("pk", flat=True)
            concerned.update((kind, object_id) for object_id in public)
    concerned = sorted(concerned)
    for start in range(0, len(concerned), REFRESH_CHUNK):
        chunk = concerned[start : start + REFRESH_CHUNK]
        if not queue_task(refresh_documents_of, [[kind, object_id] for kind, object_id in chunk], create):
            refreshes_postpone(concerned[start:], create=create)  # one failed publish is enough to wait
            return
