"""Reads of the PDF documents: the download path, the object a document URL names, documents on their way."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from mot_portal.documents import registry
from mot_portal.documents.models import QUEUE_FAILED, StoredDocument, WorkerHeartbeat
from mot_portal.documents.registry import DocumentUnavailable

State = StoredDocument.State


@dataclass(frozen=True)
class ReadyDocument:
    """What a download needs of a ready document."""

    kind: str
    language: str
    file_name: str
    rendered_hash: str

    def open(self) -> File:
        """The stored file, opened through the storage (a file or a bucket's object); FileNotFoundError when it
        is gone."""
        return StoredDocument._meta.get_field("file").storage.open(self.file_name, "rb")

    @classmethod
    def of(cls, document: StoredDocument) -> ReadyDocument:
        return cls(document.kind, document.language, document.file.name, document.rendered_hash)


def document_ready(*, kind: str, key: str, language: str) -> ReadyDocument | None:
    """The ready document of a public object, or None. This is the download path: one query, its SQL written
    once per kind (with the kind's own rule of what is public: a roadmap needs a published version too), three
    columns read (building an ORM query and model instance costs as much as sending a small file)."""
    sql, params, key_index, key_field = _ready_sql(kind)
    try:
        value = key_field.to_python(key)
        key_field.run_validators(value)  # e.g. a year out of range: no document, and no out-of-range query
    except ValidationError:
        return None
    params = [kind, language, State.READY, *params]
    params[3 + key_index] = value
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or not row[0]:
        return None
    return ReadyDocument(kind, language, row[0], row[1])


# Stand-ins for the key while the query is compiled (within every integer field's range: Django turns an impossible
# value into an empty query); the key given takes their place in the parameters.
_KEY_SENTINELS = (31_415, "\x01document-key\x01")


@functools.cache
def _ready_sql(kind: str):
    """The download query of a kind, and where the object's key goes in its parameters."""
    spec = registry.get(kind)
    key_field = spec.model._meta.get_field(spec.key_field)
    sentinel = next(s for s in _KEY_SENTINELS if isinstance(s, type(key_field.to_python(s))))
    public, params = spec.public().filter(**{spec.key_field: sentinel}).values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    sql = (
        f"SELECT file, rendered_hash FROM {quote(StoredDocument._meta.db_table)} "
        f"WHERE kind = %s AND language = %s AND status = %s AND object_id IN ({public})"
    )
    return sql, list(params), list(params).index(sentinel), key_field


def document_lookup(kind: str, key: str) -> int:
    """Primary key of the public object a document URL names, or DocumentUnavailable."""
    spec = registry.get(kind)
    try:
        value = spec.model._meta.get_field(spec.key_field).to_python(key)
    except ValidationError:
        raise DocumentUnavailable from None
    found = spec.public().filter(**{spec.key_field: value}).values_list("pk", flat=True).first()
    if found is None:
        raise DocumentUnavailable
    return found


def document_filename(document: StoredDocument | ReadyDocument, key: str) -> str:
    """A meaningful file name: ``<kind>-<key>-<language>.pdf``, the kind in the page's language."""
    return f"{slugify(str(registry.get(document.kind).label))}-{key}-{document.language}.pdf"


# A document queued but not handed to the queue (the process stopped between the commit and the publish) is
# queued again after this long; one whose publish failed is queued again at once.
DISPATCH_GRACE = datetime.timedelta(seconds=10)


def is_stale(document: StoredDocument) -> bool:
    """Queued for longer than a task may run: its message was lost (e.g. the broker restarted empty)."""
    limit = datetime.timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    return document.requested_at is None or timezone.now() - document.requested_at > limit


def is_lost(document: StoredDocument) -> bool:
    """Queued or rendering, but nothing will finish it: the worker rendering it stopped beating (it died), its
    queueing failed (the broker was unavailable) or never happened, or its message was lost. Such a document is
    queued again (by the next reader or the reconciliation). Same rule as ``lost_documents``."""
    now = timezone.now()
    if document.status == State.RENDERING:
        beat = document.heartbeat_at or document.started_at
        return beat is None or now - beat > datetime.timedelta(seconds=settings.PDF_RENDER_LEASE_SECONDS)
    if document.status != State.QUEUED:
        return False
    if document.dispatched_at is None:
        return document.queue_failed or document.requested_at is None or now - document.requested_at > DISPATCH_GRACE
    return is_stale(document)


def lost_documents():
    """The documents ``is_lost`` finds, as one query (for the reconciliation)."""
    now = timezone.now()
    lease = now - datetime.timedelta(seconds=settings.PDF_RENDER_LEASE_SECONDS)
    stale = now - datetime.timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    rendering = Q(status=State.RENDERING) & (
        Q(heartbeat_at__lt=lease)
        | Q(heartbeat_at__isnull=True, started_at__lt=lease)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    )
    undispatched = Q(dispatched_at__isnull=True) & (
        Q(error__startswith=QUEUE_FAILED) | Q(requested_at__isnull=True) | Q(requested_at__lt=now - DISPATCH_GRACE)
    )
    queued = Q(status=State.QUEUED) & (undispatched | Q(requested_at__isnull=True) | Q(requested_at__lt=stale))
    return StoredDocument.objects.filter(rendering | queued)


def pending_document(*, kind: str, object_id: int, language: str) -> StoredDocument | None:
    """A document already queued or rendering, and on its way (not lost): a status page polling it rebuilds
    nothing."""
    document = StoredDocument.objects.filter(kind=kind, object_id=object_id, language=language).first()
    if document is not None and document.status in (State.QUEUED, State.RENDERING) and not is_lost(document):
        return document
    return None


def worker_seen(queue: str) -> bool:
    """Whether a worker consuming ``queue`` gave a sign of life within ``PDF_WORKER_SEEN_SECONDS`` (one query on
    an indexed column). Always true when tasks run in the calling process (no broker)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    since = timezone.now() - datetime.timedelta(seconds=settings.PDF_WORKER_SEEN_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=since, queues__contains=f",{queue},").exists()


def waiting_problem(document: StoredDocument) -> str | None:
    """Why a document that is not ready will not be ready soon, if so: ``"queue"`` when it could not be queued
    (the broker is unavailable), ``"worker"`` when it has waited longer than ``PDF_WORKER_SEEN_SECONDS`` and no
    worker rendering PDFs was seen that long. None while it is on its way."""
    if document.status != State.QUEUED:
        return None
    if document.queue_failed:
        return "queue"
    waited = (timezone.now() - document.requested_at).total_seconds() if document.requested_at else 0
    if waited > settings.PDF_WORKER_SEEN_SECONDS and not worker_seen(settings.DOCUMENTS_QUEUE):
        return "worker"
    return None
