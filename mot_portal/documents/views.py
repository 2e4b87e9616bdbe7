"""The PDF documents' pages: a ready PDF at once; otherwise it is queued and a status page follows it."""

import logging

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from mot_portal.documents import registry
from mot_portal.documents.models import StoredDocument
from mot_portal.documents.registry import DocumentUnavailable
from mot_portal.documents.selectors import (
    ReadyDocument,
    document_filename,
    document_lookup,
    document_ready,
    waiting_problem,
)
from mot_portal.documents.services import LANGUAGES, STORAGE_ERRORS, document_file_lost, document_for_reader

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 3
# When the broker or the workers are down: ask again in a minute (the page stops refreshing).
UNAVAILABLE_RETRY_AFTER_SECONDS = 60


def _storage_read_errors() -> tuple[type[BaseException], ...]:
    """What reading a stored file raises when an object store is down or refuses (besides a missing file)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover
        return STORAGE_ERRORS
    return (*STORAGE_ERRORS, BotoCoreError, ClientError)


STORAGE_READ_ERRORS = _storage_read_errors()
STORAGE_RETRY_AFTER_SECONDS = 30


class StorageUnavailable(Exception):
    """The storage of the PDFs cannot be reached (an object store down): the reader is told to try again."""


def document_file_response(request: HttpRequest, document: ReadyDocument, key: str) -> HttpResponse | None:
    """The stored PDF, with a meaningful file name, an ETag (the content hash) and conditional GET; None when the
    stored file is missing (the document is queued for rendering again: the caller answers with its status).
    Raises StorageUnavailable when the storage cannot be reached.

    The file is streamed through the portal on every backend, not handed out as a (signed) bucket URL: the
    bucket stays private and need not be reachable from outside, the object is checked to be public on every
    request (a draft is never reachable, even for the lifetime of a signed URL), and the API keeps answering
    200 with the PDF, its ETag and file name. A shared cache in front keeps the bytes (see Cache-Control)."""
    etag = f'"{document.rendered_hash}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()  # the reader has these bytes: the storage is not even asked
    else:
        try:
            # The plain file, not the storage's File wrapper (a lookup per block): on a filesystem the open file;
            # on S3 the object, downloaded into a temporary file (in memory up to 2.5 MB) before a byte is sent,
            # so a storage error is a 503 here, never a response cut short.
            plain = document.open().file
        except FileNotFoundError:
            document_file_lost(kind=document.kind, language=document.language, name=document.file_name)
            return None
        except STORAGE_READ_ERRORS as exc:
            logger.exception("The storage of %s cannot be read", document.file_name)
            raise StorageUnavailable from exc
        response = FileResponse(
            plain, as_attachment=True, filename=document_filename(document, key), content_type="application/pdf"
        )
        response.block_size = 64 * 1024
    response["ETag"] = etag
    # "public, no-cache": a shared cache (CDN, proxy) may keep the PDF but must revalidate it on every request
    # (RFC 9111 §5.2.2.4). The revalidation costs one query and no storage read (304 above); and once the
    # object is unpublished it answers 404, so no cache serves an unpublished document (max-age=300 let one
    # serve it for 5 minutes).
    response["Cache-Control"] = "public, no-cache"
    return response


def storage_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the PDF exists but its storage cannot be reached now."""
    response = render(
        request,
        "documents/storage_unavailable.html",
        {"refresh_seconds": STORAGE_RETRY_AFTER_SECONDS},
        status=503,
    )
    response["Retry-After"] = str(STORAGE_RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def document_download(request: HttpRequest, kind: str, key: str, language: str) -> HttpResponse:
    """A public document in ``language``: the PDF at once when ready; otherwise it is queued and a status page
    refreshes until it is (or says that rendering failed)."""
    if registry.find(kind) is None or language not in LANGUAGES:
        raise Http404
    try:
        ready = document_ready(kind=kind, key=key, language=language)  # one query
        if ready is not None and (response := document_file_response(request, ready, key)) is not None:
            return response
        try:
            document = document_for_reader(kind=kind, object_id=document_lookup(kind, key), language=language)
        except DocumentUnavailable:
            raise Http404 from None
        if document.is_ready:
            if (response := document_file_response(request, ReadyDocument.of(document), key)) is not None:
                return response
            document.refresh_from_db()  # its file was missing: queued again
    except StorageUnavailable:
        return storage_unavailable(request)
    problem = waiting_problem(document)
    retry_after = UNAVAILABLE_RETRY_AFTER_SECONDS if problem else RETRY_AFTER_SECONDS
    failed = problem or document.status == StoredDocument.State.FAILED
    response = render(
        request,
        "documents/status.html",
        {"document": document, "problem": problem, "refresh_seconds": RETRY_AFTER_SECONDS},
        status=503 if failed else 202,
    )
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response
