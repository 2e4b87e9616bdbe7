"""The PDF of an API record: ``GET …/{key}/pdf/{language}/`` on the viewsets that render one."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, renderers
from rest_framework.decorators import action

from mot_portal.documents.models import StoredDocument
from mot_portal.documents.registry import DocumentUnavailable
from mot_portal.documents.selectors import ReadyDocument, waiting_problem
from mot_portal.documents.services import LANGUAGES, document_for_reader
from mot_portal.documents.views import (
    RETRY_AFTER_SECONDS,
    STORAGE_RETRY_AFTER_SECONDS,
    UNAVAILABLE_RETRY_AFTER_SECONDS,
    StorageUnavailable,
    document_file_response,
)


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the PDF itself is a file response."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class DocumentActionMixin:
    """``GET …/{key}/pdf/{language}/``: 200 with the PDF when ready, else 202 with a JSON status and
    ``Retry-After`` (the request queues it); 400 for an unknown language; 404 for what is not public."""

    document_kind: str

    def handle_exception(self, exc):
        # An error (a 404 for an unknown key, a 429…) is JSON, even when the client asked for the PDF: it is not one.
        response = super().handle_exception(exc)
        if isinstance(getattr(self.request, "accepted_renderer", None), PdfRenderer):
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "language",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=[code for code, _name in settings.LANGUAGES],
                description="Language of the document.",
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "pdf"],
                description="Leave out: the answer is the PDF when ready, else a JSON status.",
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            202: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            503: OpenApiTypes.OBJECT,
        },
        description="The PDF in one language. 200 with the file when ready; otherwise 202 with "
        '`{"status": "queued"|"rendering", "retry_after": seconds}` and a `Retry-After` header (the request '
        "queues the rendering); 503 when rendering failed, or with `Retry-After` when the rendering service is "
        'temporarily unavailable (`"detail"` says so; ask again later: what was asked is prepared once it is back).',
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"pdf/(?P<language>[^/.]+)",
        renderer_classes=[renderers.JSONRenderer, PdfRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def pdf(self, request, language: str, **kwargs):
        if language not in LANGUAGES:
            message = _("Choose one of: %(choices)s.") % {"choices": ", ".join(LANGUAGES)}
            return JsonResponse({"language": [message]}, status=400)
        obj = self.get_object()
        try:
            document = document_for_reader(kind=self.document_kind, object_id=obj.pk, language=language)
        except DocumentUnavailable:
            raise exceptions.NotFound from None
        key = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if document.is_ready:
            try:
                response = document_file_response(request, ReadyDocument.of(document), key)
            except StorageUnavailable:
                response = JsonResponse(
                    {"status": "unavailable", "retry_after": STORAGE_RETRY_AFTER_SECONDS,
                     "detail": _("The document storage cannot be reached; try again later.")},
                    status=503,
                )  # fmt: skip
                response["Retry-After"] = str(STORAGE_RETRY_AFTER_SECONDS)
                return response
            if response is not None:
                return response
            document.refresh_from_db()  # its file was missing: queued again
        body = {"status": document.status, "retry_after": RETRY_AFTER_SECONDS, "url": request.build_absolute_uri()}
        if document.status == StoredDocument.State.FAILED:
            return JsonResponse({**body, "retry_after": None, "detail": _("Rendering failed.")}, status=503)
        if waiting_problem(document):
            detail = _("The service that prepares PDFs is temporarily unavailable. Try again later.")
            response = JsonResponse(
                {**body, "retry_after": UNAVAILABLE_RETRY_AFTER_SECONDS, "detail": detail}, status=503
            )
            response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
            return response
        response = JsonResponse(body, status=202)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
