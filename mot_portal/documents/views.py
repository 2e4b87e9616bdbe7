"""The PDF documents' pages: a ready PDF at once; otherwise it is queued and a status page follows it."""

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
from mot_portal.documents.services import LANGUAGES, document_for_reader

RETRY_AFTER_SECONDS = 3
# When the broker or the workers are down: ask again in a minute (the page stops refreshing).
UNAVAILABLE_RETRY_AFTER_SECONDS = 60


def document_file_response(request: HttpRequest, document: ReadyDocument, key: str) -> HttpResponse:
    """The stored PDF, with a meaningful file name, an ETag (the content hash) and conditional GET."""
    etag = f'"{document.rendered_hash}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        # The plain file (not the storage's FieldFile wrapper, which costs a lookup per block), in 64 KiB blocks.
        response = FileResponse(
            open(document.path, "rb"),  # noqa: SIM115 (FileResponse closes it)
            as_attachment=True,
            filename=document_filename(document, key),
            content_type="application/pdf",
        )
        response.block_size = 64 * 1024
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response


def document_download(request: HttpRequest, kind: str, key: str, language: str) -> HttpResponse:
    """A public document in ``language``: the PDF at once when ready; otherwise it is queued and a status page
    refreshes until it is (or says that rendering failed)."""
    if registry.find(kind) is None or language not in LANGUAGES:
        raise Http404
    ready = document_ready(kind=kind, key=key, language=language)  # one query
    if ready is not None:
        return document_file_response(request, ready, key)
    try:
        document = document_for_reader(kind=kind, object_id=document_lookup(kind, key), language=language)
    except DocumentUnavailable:
        raise Http404 from None
    if document.is_ready:
        return document_file_response(request, ReadyDocument.of(document), key)
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
