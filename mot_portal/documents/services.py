"""Writes of the PDF documents: request, render, refresh, withdraw.

A document is one (kind, object, language). ``document_request`` is idempotent: it builds the HTML and queues a
render (after commit) only when the content hash differs from what is stored or queued; it keeps that HTML, so
the render lays out exactly what was hashed. ``document_render`` (run by the Celery task) renders to a temporary
file and swaps it in atomically, so a reader only ever gets a complete PDF, and renders nothing when the stored
file already shows the content. ``documents_refresh`` is what an edit queues (once per transaction, see
``mot_portal.documents.invalidation``): it requests again the documents of the objects the edit affected, and
withdraws those of objects that are no longer public.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone, translation

from mot_portal.documents import registry
from mot_portal.documents.models import QUEUE_FAILED, PendingRefresh, StoredDocument
from mot_portal.documents.registry import DocumentKind, DocumentUnavailable
from mot_portal.documents.rendering import content_hash, pdf_render, render_html
from mot_portal.documents.selectors import is_lost, lost_documents, pending_document

logger = logging.getLogger(__name__)
State = StoredDocument.State
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
NOT_PUBLIC = "Not public any more."


def _transient_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from kombu.exceptions import OperationalError as BrokerError

        errors.append(BrokerError)
    except ImportError:  # pragma: no cover
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError

        errors.append(RedisConnectionError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def _storage_errors() -> tuple[type[BaseException], ...]:
    """An object store that cannot be reached (network, timeout): the next attempt may succeed."""
    try:
        from botocore.exceptions import ConnectionError as StorageConnectionError
        from botocore.exceptions import HTTPClientError
    except ImportError:  # pragma: no cover
        return ()
    # HTTPClientError: a read timeout or a connection closed mid-request (not ConnectionError subclasses).
    return (StorageConnectionError, HTTPClientError)


STORAGE_ERRORS = _storage_errors()
# Errors a retry may fix (database, broker, storage); every other error of a render is recorded and not retried.
TRANSIENT_ERRORS = _transient_errors() + STORAGE_ERRORS


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import KombuError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (KombuError, RedisConnectionError, RedisTimeoutError, OSError)


# What publishing a task raises when the broker is unavailable (kombu wraps most of them in its OperationalError).
BROKER_ERRORS = _broker_errors()


def queue_task(task, *args, **kwargs) -> bool:
    """Publish ``task``; False (logged, quickly: the settings bound the connection and the retries) when the broker
    is unavailable, so that a saved edit or a reader's request never fails because of it. Without a broker the
    task runs here, and its errors are its own."""
    if task.app.conf.task_always_eager:
        task.delay(*args, **kwargs)
        return True
    try:
        task.delay(*args, **kwargs)
    except BROKER_ERRORS as exc:
        logger.warning("Could not queue %s%r: %s: %s", task.name, args, type(exc).__name__, exc)
        return False
    return True


def document_html(*, kind: DocumentKind, obj: Model, language: str) -> str:
    """The HTML of a document, in ``language``."""
    with translation.override(language):  # the context holds labels too (competence levels, theme names)
        title = str(kind.title(obj))
        context = kind.context(obj)
    return render_html(kind.template, {**context, "document_title": title}, language=language)


def _title(kind: DocumentKind, obj: Model, language: str) -> str:
    with translation.override(language):
        return str(kind.title(obj))[:300]


def document_request(*, kind: str, object_id: int, language: str, force: bool = False) -> StoredDocument:
    """The stored document of (kind, object, language), queued for rendering (after commit) when its content
    changed since the stored file, or when ``force``. Idempotent: an unchanged, ready or queued document queues
    nothing. Raises DocumentUnavailable for an object that is not public.

    The document's row is locked before the object is read: of two requests racing after two edits, the later
    one reads (and keeps) the later content."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}")
    spec = registry.get(kind)
    with transaction.atomic():
        document = _locked(kind, object_id, language)
        obj = spec.get_public(object_id)  # not public: the exception rolls the new row back
        return _request(spec, document, obj, force=force)


def _locked(kind: str, object_id: int, language: str) -> StoredDocument:
    document, _created = StoredDocument.objects.select_for_update().get_or_create(
        kind=kind, object_id=object_id, language=language
    )
    return document


def _request(spec: DocumentKind, document: StoredDocument, obj: Model, *, force: bool) -> StoredDocument:
    """Build the document's HTML from ``obj`` and queue a render when it changed (the row is locked)."""
    try:
        with transaction.atomic():  # a savepoint: an error here leaves the transaction usable
            title = _title(spec, obj, document.language)
            html = document_html(kind=spec, obj=obj, language=document.language)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # a template error: record it where staff see it, and let the page say so
        # The content hash is cleared: once the cause is fixed, the same content is requested again.
        document.status, document.error, document.content_hash, document.html = State.FAILED, _error_text(exc), "", ""
        document.save(update_fields=["status", "error", "content_hash", "html"])
        return document
    digest = content_hash(html)
    lost = document.status in (State.QUEUED, State.RENDERING) and is_lost(document)
    if not force and document.content_hash == digest and lost and _lost_too_often(document):
        return document  # this content kills its worker: failed, until staff render it again
    if not force and document.content_hash == digest and not lost:
        # Ready with this content, queued or rendering it, or failed on it (staff render it again once the
        # cause is fixed). Only a render nothing will finish (see selectors.is_lost) is queued again.
        return document
    if not force and document.rendered_hash == digest and document.file:
        # The content came back to what the stored file shows: nothing to render.
        document.content_hash, document.html, document.status, document.title = digest, html, State.READY, title
        document.error = ""
        document.save(update_fields=["content_hash", "html", "status", "title", "error"])
        return document
    if document.content_hash != digest or force:
        document.takeovers = 0  # new content (or staff asking again): its own chances
    document.content_hash, document.html, document.title = digest, html, title
    document.status, document.error, document.requested_at = State.QUEUED, "", timezone.now()
    document.dispatched_at = None
    document.save(
        update_fields=["content_hash", "html", "title", "status", "error", "requested_at", "dispatched_at", "takeovers"]
    )
    _queue_render(document, force=force)
    return document


def _lost_too_often(document: StoredDocument) -> bool:
    """Count a render whose worker was lost (the document was rendering and stopped beating). Past
    PDF_RENDER_MAX_TAKEOVERS, the document is marked failed rather than queued again: content that kills its
    worker (too long for the time limit, too big for the memory limit) would otherwise hold the PDF queue for ever.
    The row is locked by the caller."""
    if document.status != State.RENDERING:
        return False
    document.takeovers += 1
    if document.takeovers <= settings.PDF_RENDER_MAX_TAKEOVERS:
        document.save(update_fields=["takeovers"])
        return False
    logger.error("Rendering of %s was lost %s times: marked failed", document, document.takeovers)
    document.status, document.finished_at = State.FAILED, timezone.now()
    document.error = (
        f"The rendering stopped {document.takeovers} times without finishing (its worker was lost each time: the "
        "document may be too long or too large for the workers' time or memory limits). Render it again once fixed."
    )
    document.save(update_fields=["takeovers", "status", "finished_at", "error"])
    return True


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:5000]


def document_for_reader(*, kind: str, object_id: int, language: str) -> StoredDocument:
    """What a reader (page or API) gets: the stored document when ready or already on its way; otherwise it is
    requested (queued once). Raises DocumentUnavailable for an object that is not public."""
    document = StoredDocument.objects.filter(kind=kind, object_id=object_id, language=language).first()
    if document is not None and document.is_ready:
        return document
    document = pending_document(kind=kind, object_id=object_id, language=language) or document_request(
        kind=kind, object_id=object_id, language=language
    )
    document.refresh_from_db()  # without a broker, the render has just run in this process
    return document


def _queue_render(document: StoredDocument, *, force: bool) -> None:
    """Hand the rendering to the queue once the request is committed (see ``document_dispatch``)."""
    document_id, requested_at = document.pk, document.requested_at
    transaction.on_commit(lambda: document_dispatch(document_id, requested_at, force=force))


def document_dispatch(document_id: int, requested_at, *, force: bool = False) -> bool:
    """Publish the rendering of a queued document, and note on it that the publish happened (``dispatched_at``)
    or failed (``error`` starting with QUEUE_FAILED): a failed one does not pass for queued, and is queued again
    by the next reader or the reconciliation. ``requested_at`` names the request: a newer one is left alone."""
    from mot_portal.documents.tasks import render_document

    this_request = StoredDocument.objects.filter(pk=document_id, requested_at=requested_at)
    if render_document.app.conf.task_always_eager:  # rendered right here: noted first
        this_request.update(dispatched_at=timezone.now())
    if queue_task(render_document, document_id, force=force):
        this_request.filter(dispatched_at__isnull=True).update(dispatched_at=timezone.now())
        return True
    this_request.filter(status=State.QUEUED).update(
        error=f"{QUEUE_FAILED}: the broker was unavailable at {timezone.now():%Y-%m-%d %H:%M:%S %Z}."
    )
    return False


def document_render(*, document_id: int, force: bool = False) -> StoredDocument | None:
    """Lay out the HTML a stored document was last requested with; swap the file in atomically. Idempotent: a
    document whose file already shows that content is left as it is (unless ``force``). Errors that are not
    transient mark the document failed, with the error, and are not raised (nothing would fix them on retry).
    A document withdrawn while it was rendering stays withdrawn, and the file just made is removed.

    A render holds a lease on its document: it claims it (``attempts`` is the claim's token) and a thread
    refreshes ``heartbeat_at`` while WeasyPrint works. A task finding the document rendering under a live lease
    (a message redelivered, or queued again, while another worker renders) renders nothing; a lease that stopped
    beating (its worker died) is taken over."""
    document = StoredDocument.objects.filter(pk=document_id).first()
    if document is None or document.status == State.WITHDRAWN:
        return None
    spec = registry.find(document.kind)
    if spec is None or not spec.public().filter(pk=document.object_id).exists():
        # Unpublished (or deleted) since it was queued: its documents go.
        documents_withdraw(kind=document.kind, object_ids=[document.object_id])
        return None
    started = time.perf_counter()
    document = _claim(document_id)
    if document is None:
        return None
    token = document.attempts
    mine = StoredDocument.objects.filter(pk=document_id, attempts=token)
    try:
        with _Heartbeat(document_id, token):
            html = document.html
            if not html:  # queued before documents kept their HTML
                html = document_html(kind=spec, obj=spec.get_public(document.object_id), language=document.language)
            digest = content_hash(html)
            if (
                not force
                and document.rendered_hash == digest
                and document.file
                and document.file.storage.exists(document.file.name)
            ):
                # The file shows it already. (A newer request, if any, stays queued: its own task renders it.)
                mine.filter(content_hash__in=("", digest)).exclude(status=State.WITHDRAWN).update(status=State.READY)
                return StoredDocument.objects.filter(pk=document_id).first()
            rendered = pdf_render(html)
            name = _store_atomically(document, _key(spec, document.object_id), digest, rendered.data)
    except TRANSIENT_ERRORS:
        _release(mine)
        raise
    except Exception as exc:  # a template or rendering error: retrying would fail the same way
        mine.exclude(status=State.WITHDRAWN).update(
            status=State.FAILED, error=_error_text(exc), finished_at=timezone.now()
        )
        return StoredDocument.objects.filter(pk=document_id).first()
    return _swap_in(spec, document_id, name, digest, rendered, started)


def _claim(document_id: int) -> StoredDocument | None:
    """Take the lease of a document to render it: not when it is withdrawn, nor while another worker renders it
    and beats (``selectors.is_lost``). The document returned carries the claim's token in ``attempts``."""
    with transaction.atomic():
        current = StoredDocument.objects.select_for_update().filter(pk=document_id).first()
        if current is None or current.status == State.WITHDRAWN:
            return None
        if current.status == State.RENDERING and not is_lost(current):
            logger.info("Document %s is being rendered by another worker: nothing to do", document_id)
            return None
        if _lost_too_often(current):
            return None
        now = timezone.now()
        current.status, current.started_at, current.heartbeat_at = State.RENDERING, now, now
        current.attempts += 1
        current.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
        return current


def _release(claimed) -> None:
    """Give back a lease after a transient error (the task is retried): queued again, not rendering."""
    try:
        claimed.filter(status=State.RENDERING).update(status=State.QUEUED, heartbeat_at=None)
    except TRANSIENT_ERRORS:  # the database itself is the problem: the lease runs out instead
        logger.warning("Could not release the lease of a document", exc_info=True)


class _Heartbeat:
    """While a render runs, a thread refreshes its document's ``heartbeat_at`` (under its claim's token) every
    ``PDF_RENDER_HEARTBEAT_SECONDS``, with a database connection of its own, closed after each beat."""

    def __init__(self, document_id: int, token: int):
        self.rows = StoredDocument.objects.filter(pk=document_id, attempts=token, status=State.RENDERING)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{document_id}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        while not self.stopped.wait(settings.PDF_RENDER_HEARTBEAT_SECONDS):
            try:
                self.rows.update(heartbeat_at=timezone.now())
            except Exception:  # e.g. the database restarting: the next beat tries again
                logger.warning("Could not refresh a rendering's heartbeat", exc_info=True)
            finally:
                connection.close()


def _swap_in(spec: DocumentKind, document_id: int, name: str, digest: str, rendered, started: float):
    """Make the new file the document's, under the row lock: unless it was withdrawn (or its object deleted)
    meanwhile, or another render already stored newer content."""
    with transaction.atomic():
        current = StoredDocument.objects.select_for_update().filter(pk=document_id).first()
        if (
            current is None
            or current.status == State.WITHDRAWN
            or not spec.public().filter(pk=current.object_id).exists()
        ):
            # Withdrawn or deleted while it rendered: the new file must not stay reachable.
            if current is None or current.file.name != name:
                _delete_quietly(name)  # no row names it: nothing can be reading it
            return current
        previous = current.file.name if current.file else ""
        newest = current.content_hash in ("", digest)
        if not newest and current.rendered_hash == current.content_hash and previous and previous != name:
            # A render of a newer edit finished first: its file stays.
            _delete_quietly(name)  # no row names it
            return current
        current.file.name = name
        current.rendered_hash = digest
        if newest:
            current.status = State.READY
        # Otherwise a newer edit was requested meanwhile: it stays queued (or rendering) under its own task.
        current.content_hash = current.content_hash or digest
        current.error = ""
        current.finished_at = timezone.now()
        current.render_seconds = time.perf_counter() - started
        current.page_count = rendered.page_count
        current.size_bytes = len(rendered.data)
        current.render_count += 1
        current.takeovers = 0
        current.save()
    if previous and previous != name:
        _remove_later(previous)
    return current


def _key(spec: DocumentKind, object_id: int) -> str:
    return str(spec.model._base_manager.filter(pk=object_id).values_list(spec.key_field, flat=True).get())


def document_storage() -> Storage:
    """Where the PDFs are stored: the file field's storage (the default one: files or an S3-compatible bucket)."""
    return StoredDocument._meta.get_field("file").storage


def _store_atomically(document: StoredDocument, key: str, digest: str, data: bytes) -> str:
    """Save ``data`` under a name no file has had (content hash and a random part), through the storage API.
    Nothing names it until ``document_render`` swaps the row to it, so a reader (who learns a name only from
    the row) opens either the previous complete file or the new complete one, on disk as in a bucket (where an
    object appears only once its upload is complete). The caller removes the previous file after commit."""
    storage = document_storage()
    name = f"documents/{document.kind}/{key}-{document.language}-{digest[:16]}-{secrets.token_hex(6)}.pdf"
    try:
        name = storage.save(name, ContentFile(data))
        _sync_to_disk(storage, name)
    except BaseException:
        _delete_quietly(name)  # a partial file on disk, if any (an object store keeps no partial upload)
        raise
    return name


def _sync_to_disk(storage: Storage, name: str) -> None:
    """On a filesystem, the file reaches the disk before the row that names it is committed (a crash must not
    leave a committed row naming a truncated file). An object store acknowledges only stored uploads."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _delete_quietly(name: str) -> None:
    try:
        document_storage().delete(name)
    except Exception:  # a file left behind costs space, never correctness: log it, don't fail the caller
        logger.warning("Could not remove the stored file %s", name, exc_info=True)


def _remove_later(name: str) -> None:
    """Remove a superseded or withdrawn file once the row no longer names it (after commit). A download that
    already opened it finishes: on POSIX an unlinked open file stays readable, and an S3 download is a copy."""
    transaction.on_commit(lambda: _delete_quietly(name))


def document_file_lost(*, kind: str, language: str, name: str) -> bool:
    """A ready document whose stored file ``name`` is missing (deleted from the disk or the bucket): it is
    queued for rendering again, as if it had never been rendered, so readers get the status page (202) and
    then the new file, never a 500. Only the row that still names this file changes (concurrent readers that
    found it missing queue one render). Returns whether a render was queued."""
    with transaction.atomic():
        document = (
            StoredDocument.objects.select_for_update()
            .filter(kind=kind, language=language, file=name, status=State.READY)
            .first()
        )
        if document is None:
            return False
        logger.warning("Stored file %s of %s is missing: rendering it again", name, document)
        document.file = ""
        document.rendered_hash = ""
        document.status, document.error, document.requested_at = State.QUEUED, "", timezone.now()
        document.dispatched_at = None
        document.save(update_fields=["file", "rendered_hash", "status", "error", "requested_at", "dispatched_at"])
        _queue_render(document, force=False)
    return True


@transaction.atomic
def documents_withdraw(*, kind: str, object_ids: Iterable[int]) -> int:
    """Withdraw the documents of objects that are no longer public: their files are removed (after commit) and
    they are marked withdrawn; those of deleted objects are deleted. Returns how many documents were withdrawn
    or deleted. Idempotent."""
    spec = registry.find(kind)
    object_ids = set(object_ids)
    documents = StoredDocument.objects.select_for_update().filter(kind=kind, object_id__in=object_ids)
    found = list(documents)
    for document in found:
        if document.file:
            _remove_later(document.file.name)
    existing = set(spec.model._base_manager.filter(pk__in=object_ids).values_list("pk", flat=True)) if spec else set()
    documents.exclude(object_id__in=existing).delete()
    documents.filter(object_id__in=existing).exclude(status=State.WITHDRAWN, file="").update(
        status=State.WITHDRAWN, error=NOT_PUBLIC, file="", rendered_hash="", content_hash="", html=""
    )
    return len(found)


def documents_refresh(*, pairs: Iterable[tuple[str, int]], create: bool = False) -> list[StoredDocument]:
    """Request again the documents of ``pairs`` of (kind, object id) after an edit: both languages when
    ``create`` (the object's documents are prepared as soon as it is public), otherwise those someone asked for
    before (and not withdrawn). Unchanged content renders nothing; the documents of objects no longer public are
    withdrawn. Each object is read once, after its documents are locked, and each document's HTML built once.
    An object that fails is logged and does not keep the others from being refreshed."""
    requested: list[StoredDocument] = []
    for kind, object_id in sorted({(kind, int(object_id)) for kind, object_id in pairs}):
        spec = registry.find(kind)
        if spec is None:
            continue
        try:
            requested.extend(_refresh_object(spec, object_id, create=create))
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            logger.exception("Could not refresh the %s documents of object %s", kind, object_id)
    return requested


@transaction.atomic
def _refresh_object(spec: DocumentKind, object_id: int, *, create: bool) -> list[StoredDocument]:
    stored = StoredDocument.objects.select_for_update().filter(kind=spec.name, object_id=object_id)
    documents = {document.language: document for document in stored}
    if create and not spec.refresh_stored_only:
        languages = LANGUAGES
    else:
        languages = tuple(code for code in LANGUAGES if code in documents and documents[code].status != State.WITHDRAWN)
    if not languages:
        return []
    try:
        obj = spec.get_public(object_id)
    except DocumentUnavailable:
        documents_withdraw(kind=spec.name, object_ids=[object_id])
        return []
    return [
        _request(spec, documents.get(language) or _locked(spec.name, object_id, language), obj, force=False)
        for language in languages
    ]


def refreshes_postpone(pairs: Iterable[tuple[str, int]], *, create: bool) -> None:
    """Keep refreshes that could not be queued (the broker is unavailable) for the reconciliation."""
    PendingRefresh.objects.bulk_create(
        PendingRefresh(kind=kind, object_id=object_id, create=create) for kind, object_id in pairs
    )


def documents_reconcile(*, limit: int = 500) -> dict[str, int]:
    """What the broker or a worker failed to do, done again (run by Celery beat, see CELERY_BEAT_SCHEDULE): the
    refreshes that could not be queued are run here, and the documents nothing will finish (``is_lost``: their
    queueing failed, their message was lost, or the worker rendering them stopped beating) are queued again.
    Idempotent: running it twice, or beside a redelivered task, renders nothing twice."""
    pending = list(PendingRefresh.objects.order_by("pk")[:limit])
    for create in (False, True):
        pairs = [(row.kind, row.object_id) for row in pending if row.create == create]
        if pairs:
            documents_refresh(pairs=pairs, create=create)
    PendingRefresh.objects.filter(pk__in=[row.pk for row in pending]).delete()
    requeued = 0
    for document_id in lost_documents().order_by("requested_at").values_list("pk", flat=True)[:limit]:
        requeued += document_requeue(document_id)
        if StoredDocument.objects.filter(pk=document_id, dispatched_at=None, error__startswith=QUEUE_FAILED).exists():
            break  # the broker is unavailable again: the next run goes on
    return {"refreshed": len(pending), "requeued": requeued}


def document_requeue(document_id: int) -> bool:
    """Queue again a document nothing will finish (checked under the row lock); False if it is on its way."""
    with transaction.atomic():
        document = StoredDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or not is_lost(document) or _lost_too_often(document):
            return False
        logger.info("Queueing again %s (%s, requested %s)", document, document.status, document.requested_at)
        document.status, document.error, document.requested_at = State.QUEUED, "", timezone.now()
        document.dispatched_at = None
        document.save(update_fields=["status", "error", "requested_at", "dispatched_at"])
        _queue_render(document, force=False)
    return True
