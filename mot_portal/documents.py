"""The PDF documents of the portal: what each kind renders, and the services that request and render them.

A document is one (kind, object, language). ``document_request`` is idempotent: it builds the HTML, and queues a
render (after commit) only when the content hash differs from what is stored or queued. ``document_render``
(run by the Celery task) renders to a temporary file and swaps it in atomically, so a reader only ever gets a
complete PDF, and renders nothing when the stored file already matches the content.
"""

from __future__ import annotations

import datetime
import functools
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from mot_portal.models import StoredDocument
from mot_portal.pdf import content_hash, pdf_render, render_html

Kind = StoredDocument.Kind
State = StoredDocument.State
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


class DocumentUnavailable(Exception):
    """The object is not public (a draft, deleted, or a mission without a published roadmap)."""


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    template: str
    load: Callable[[int], object]  # the public object by primary key, or DocumentUnavailable
    model: str  # "app_label.Model" of the object
    key_field: str  # the field its URL key is (slug, year)
    status_field: str  # its publication status field
    context: Callable[[object], dict]
    key: Callable[[object], str]  # the URL key (slug, year)
    title: Callable[[object], str]  # in the active language


# --- What each kind renders (imports inside: the apps import this module) ---------------------------------------


def _booklet_load(pk: int):
    from projects import selectors
    from projects.models import Booklet

    try:
        slug = Booklet.objects.published().values_list("slug", flat=True).get(pk=pk)
        return selectors.booklet_get(slug=slug)
    except Booklet.DoesNotExist:
        raise DocumentUnavailable from None


def _factsheet_load(pk: int):
    from projects import selectors
    from projects.models import Factsheet

    try:
        return selectors.factsheet_list().get(pk=pk)
    except Factsheet.DoesNotExist:
        raise DocumentUnavailable from None


def _roadmap_load(pk: int):
    from missions import selectors
    from missions.models import Mission

    try:
        mission = selectors.with_relations(Mission.objects.published()).get(pk=pk)
    except Mission.DoesNotExist:
        raise DocumentUnavailable from None
    if selectors.current_roadmap(mission) is None:
        raise DocumentUnavailable
    return mission


def _programme_load(pk: int):
    from workplan.models import Programme

    try:
        return Programme.objects.published().get(pk=pk)
    except Programme.DoesNotExist:
        raise DocumentUnavailable from None


def document_lookup(kind: str, key: str) -> int:
    """Primary key of the public object a document URL names, or DocumentUnavailable."""
    from django.apps import apps

    spec = SPECS[kind]
    model = apps.get_model(spec.model)
    try:
        value = model._meta.get_field(spec.key_field).to_python(key)
    except ValidationError:
        raise DocumentUnavailable from None
    found = model.objects.published().filter(**{spec.key_field: value}).values_list("pk", flat=True).first()
    if found is None:
        raise DocumentUnavailable
    return found


@dataclass(frozen=True)
class ReadyDocument:
    """What a download needs of a ready document."""

    kind: str
    language: str
    file_name: str
    rendered_hash: str

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.file_name

    @classmethod
    def of(cls, document: StoredDocument) -> ReadyDocument:
        return cls(document.kind, document.language, document.file.name, document.rendered_hash)


def document_ready(*, kind: str, key: str, language: str) -> ReadyDocument | None:
    """The ready document of a public object, or None. This is the download path: one query, its SQL written
    once per kind, three columns read (building an ORM query and model instance costs as much as sending a
    small file)."""
    from django.db import connection

    sql, to_key = _ready_sql(kind)
    try:
        value = to_key(key)
    except ValidationError:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, language, value, "published", State.READY])
        row = cursor.fetchone()
    if row is None or not row[0]:
        return None
    return ReadyDocument(kind, language, row[0], row[1])


@functools.cache
def _ready_sql(kind: str):
    from django.apps import apps
    from django.db import connection

    spec = SPECS[kind]
    model = apps.get_model(spec.model)
    quote = connection.ops.quote_name
    key_field = model._meta.get_field(spec.key_field)
    sql = (
        f"SELECT file, rendered_hash FROM {quote(StoredDocument._meta.db_table)} "
        "WHERE kind = %s AND language = %s AND object_id = "
        f"(SELECT {quote(model._meta.pk.column)} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(key_field.column)} = %s AND {quote(model._meta.get_field(spec.status_field).column)} = %s) "
        "AND status = %s"
    )
    return sql, key_field.to_python


def _booklet_context(booklet) -> dict:
    factsheets = booklet.ordered_factsheets
    credits = [f for f in factsheets if f.photo_resized and f.photo_credit]
    return {"booklet": booklet, "factsheets": factsheets, "credited_factsheets": credits}


def _factsheet_context(factsheet) -> dict:
    return {"factsheet": factsheet}


def _roadmap_context(mission) -> dict:
    from missions import selectors

    return selectors.mission_context(mission, selectors.current_roadmap(mission))


def _programme_context(programme) -> dict:
    from workplan import selectors
    from workplan.models import DealTheme, TransversalTheme

    items = selectors.programme_items(programme=programme)
    deal_index: dict[int, list] = {}
    transversal_index: dict[str, list] = {}
    for item in items:
        for theme in item.deal_themes.all():
            deal_index.setdefault(theme.number, []).append(item)
        for theme in item.transversal_themes.all():
            transversal_index.setdefault(theme.slug, []).append(item)
    return {
        "programme": programme,
        "axes": selectors.programme_tree(items=items),
        "deal_index": [(t, deal_index.get(t.number, [])) for t in DealTheme.objects.order_by("number")],
        "transversal_index": [
            (t, transversal_index.get(t.slug, [])) for t in TransversalTheme.objects.order_by("name")
        ],
    }


SPECS: dict[str, DocumentSpec] = {
    Kind.BOOKLET: DocumentSpec(
        kind=Kind.BOOKLET,
        template="projects/pdf/booklet.html",
        load=_booklet_load,
        model="projects.Booklet",
        key_field="slug",
        status_field="status",
        context=_booklet_context,
        key=lambda booklet: booklet.slug,
        title=lambda booklet: booklet.title,
    ),
    Kind.FACTSHEET: DocumentSpec(
        kind=Kind.FACTSHEET,
        template="projects/pdf/factsheet.html",
        load=_factsheet_load,
        model="projects.Factsheet",
        key_field="slug",
        status_field="status",
        context=_factsheet_context,
        key=lambda factsheet: factsheet.slug,
        title=lambda factsheet: factsheet.title,
    ),
    Kind.ROADMAP: DocumentSpec(
        kind=Kind.ROADMAP,
        template="missions/pdf/roadmap.html",
        load=_roadmap_load,
        model="missions.Mission",
        key_field="slug",
        status_field="publication_status",
        context=_roadmap_context,
        key=lambda mission: mission.slug,
        title=lambda mission: mission.title,
    ),
    Kind.PROGRAMME: DocumentSpec(
        kind=Kind.PROGRAMME,
        template="workplan/pdf/programme.html",
        load=_programme_load,
        model="workplan.Programme",
        key_field="year",
        status_field="status",
        context=_programme_context,
        key=lambda programme: str(programme.year),
        title=lambda programme: programme.title,
    ),
}


def document_html(*, kind: str, obj, language: str) -> str:
    """The HTML of a document, in ``language``."""
    spec = SPECS[kind]
    with translation.override(language):  # the context holds labels too (competence levels, theme names)
        title = str(spec.title(obj))
        context = spec.context(obj)
    return render_html(spec.template, {**context, "document_title": title}, language=language)


def document_filename(document: StoredDocument | ReadyDocument, key: str) -> str:
    """A meaningful file name: ``<kind>-<key>-<language>.pdf``, the kind in the page's language."""
    return f"{slugify(Kind(document.kind).label)}-{key}-{document.language}.pdf"


# --- Services --------------------------------------------------------------------------------------------------


def document_request(*, kind: str, object_id: int, language: str, force: bool = False) -> StoredDocument:
    """The stored document of (kind, object, language), queued for rendering (after commit) when its content
    changed since the stored file, or when ``force``. Idempotent: an unchanged, ready or queued document queues
    nothing. Raises DocumentUnavailable for an object that is not public."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}")
    spec = SPECS[kind]
    obj = spec.load(object_id)
    with translation.override(language):
        title = str(spec.title(obj))[:300]
    try:
        html = document_html(kind=kind, obj=obj, language=language)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # a template error: record it where staff see it, and let the page say so
        document, _created = StoredDocument.objects.update_or_create(
            kind=kind,
            object_id=object_id,
            language=language,
            defaults={"title": title, "status": State.FAILED, "error": _error_text(exc)},
        )
        return document
    digest = content_hash(html)
    with transaction.atomic():
        document, _created = StoredDocument.objects.select_for_update().get_or_create(
            kind=kind, object_id=object_id, language=language, defaults={"title": title}
        )
        lost = document.status in (State.QUEUED, State.RENDERING) and _stale(document)
        if not force and document.content_hash == digest and not lost:
            # Ready with this content, queued or rendering it, or failed on it (staff render it again once the
            # cause is fixed). Only a render whose message was lost is queued again.
            return document
        if not force and document.rendered_hash == digest and document.file:
            # The content came back to what the stored file shows: nothing to render.
            document.content_hash, document.status, document.title = digest, State.READY, title
            document.save(update_fields=["content_hash", "status", "title"])
            return document
        document.content_hash, document.title = digest, title
        document.status, document.error, document.requested_at = State.QUEUED, "", timezone.now()
        document.save(update_fields=["content_hash", "title", "status", "error", "requested_at"])
        _queue_render(document.pk, force=force)
    return document


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:5000]


def _stale(document: StoredDocument) -> bool:
    """Queued or rendering for longer than a task may run: its message was lost (e.g. the broker restarted)."""
    limit = datetime.timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    return document.requested_at is None or timezone.now() - document.requested_at > limit


def pending_document(*, kind: str, object_id: int, language: str) -> StoredDocument | None:
    """A document already queued or rendering (and not stale): a status page polling it rebuilds nothing."""
    document = StoredDocument.objects.filter(kind=kind, object_id=object_id, language=language).first()
    if document is not None and document.status in (State.QUEUED, State.RENDERING) and not _stale(document):
        return document
    return None


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


def _queue_render(document_id: int, *, force: bool) -> None:
    from mot_portal.tasks import render_document

    transaction.on_commit(lambda: render_document.delay(document_id, force=force))


def document_render(*, document_id: int, force: bool = False) -> StoredDocument | None:
    """Render a stored document from the current content; swap the file in atomically. Idempotent: a document
    whose file already shows the current content is left as it is (unless ``force``). Errors that are not
    transient mark the document failed, with the error, and are not raised (nothing would fix them on retry)."""
    document = StoredDocument.objects.filter(pk=document_id).first()
    if document is None:
        return None
    spec = SPECS[document.kind]
    try:
        obj = spec.load(document.object_id)
    except DocumentUnavailable:
        # Unpublished since: the stored file stays out of reach (downloads check publication first).
        StoredDocument.objects.filter(pk=document_id).update(status=State.FAILED, error="Not public any more.")
        return None
    started = time.perf_counter()
    StoredDocument.objects.filter(pk=document_id).update(
        status=State.RENDERING, started_at=timezone.now(), attempts=document.attempts + 1
    )
    try:
        html = document_html(kind=document.kind, obj=obj, language=document.language)
        digest = content_hash(html)
        if (
            not force
            and document.rendered_hash == digest
            and document.file
            and document.file.storage.exists(document.file.name)
        ):
            StoredDocument.objects.filter(pk=document_id).update(status=State.READY, content_hash=digest)
            return StoredDocument.objects.get(pk=document_id)
        rendered = pdf_render(html)
        name = _store_atomically(document, spec.key(obj), digest, rendered.data)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # a template or rendering error: retrying would fail the same way
        StoredDocument.objects.filter(pk=document_id).update(
            status=State.FAILED, error=_error_text(exc), finished_at=timezone.now()
        )
        return StoredDocument.objects.get(pk=document_id)
    with transaction.atomic():
        current = StoredDocument.objects.select_for_update().get(pk=document_id)
        previous = current.file.name if current.file else ""
        current.file.name = name
        current.rendered_hash = digest
        # A newer edit may have been requested meanwhile: it stays queued (its own task renders it).
        current.status = State.READY if current.content_hash in ("", digest) else State.QUEUED
        current.content_hash = current.content_hash or digest
        current.error = ""
        current.finished_at = timezone.now()
        current.render_seconds = time.perf_counter() - started
        current.page_count = rendered.page_count
        current.size_bytes = len(rendered.data)
        current.render_count += 1
        current.save()
    if previous and previous != name:
        _remove_later(previous)
    return current


def _store_atomically(document: StoredDocument, key: str, digest: str, data: bytes) -> str:
    """Write ``data`` to a temporary file beside its final name, then rename it into place (atomic on POSIX):
    a reader opens either the previous complete file or the new complete file."""
    relative = f"documents/{document.kind}/{key}-{document.language}-{digest[:16]}.pdf"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".rendering-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return relative


def _remove_later(name: str) -> None:
    """Remove a superseded file once the new one is committed (a download may still be reading it: on POSIX an
    open file stays readable after unlinking)."""

    def remove():
        (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)

    transaction.on_commit(remove)


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


TRANSIENT_ERRORS = _transient_errors()


def documents_refresh(*, kind: str, object_id: int, create: bool = False) -> list[StoredDocument]:
    """Re-request the stored documents of an object after an edit (both languages when ``create``, else only
    those someone asked for before). Unchanged content renders nothing."""
    languages = (
        LANGUAGES
        if create
        else tuple(StoredDocument.objects.filter(kind=kind, object_id=object_id).values_list("language", flat=True))
    )
    documents = []
    for language in languages:
        try:
            documents.append(document_request(kind=kind, object_id=object_id, language=language))
        except DocumentUnavailable:
            StoredDocument.objects.filter(kind=kind, object_id=object_id).update(
                status=State.FAILED, error="Not public any more."
            )
    return documents
