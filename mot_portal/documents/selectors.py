"""Reads of the PDF documents: the download path, the object a document URL names, documents on their way."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from mot_portal.documents import registry
from mot_portal.documents.models import StoredDocument
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


def is_stale(document: StoredDocument) -> bool:
    """Queued or rendering for longer than a task may run: its message was lost (e.g. the broker restarted)."""
    limit = datetime.timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    return document.requested_at is None or timezone.now() - document.requested_at > limit


def pending_document(*, kind: str, object_id: int, language: str) -> StoredDocument | None:
    """A document already queued or rendering (and not stale): a status page polling it rebuilds nothing."""
    document = StoredDocument.objects.filter(kind=kind, object_id=object_id, language=language).first()
    if document is not None and document.status in (State.QUEUED, State.RENDERING) and not is_stale(document):
        return document
    return None
