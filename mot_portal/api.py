"""Shared REST API machinery: language selection and the v1 router."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, renderers, routers
from rest_framework.decorators import action

LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=[code for code, _name in settings.LANGUAGES],
    description="Language of the translated fields (default: Accept-Language, then French).",
)


class LanguageAutoSchema(AutoSchema):
    """Documents the ``lang`` query parameter on every operation of a translated resource."""

    def get_override_parameters(self):
        parameters = [LANG_PARAMETER, *super().get_override_parameters()]
        lookup = getattr(self.view, "lookup_field", None)
        if lookup and "{" + lookup + "}" in self.path:
            field = self.view.get_queryset().model._meta.get_field(lookup)
            parameters.append(
                OpenApiParameter(lookup, OpenApiTypes.STR, OpenApiParameter.PATH, description=str(field.help_text))
            )
        return parameters


class LanguageMixin:
    """Activate the language asked by ``?lang=`` (or Accept-Language, via LocaleMiddleware) for the request."""

    schema = LanguageAutoSchema()

    def initial(self, request, *args, **kwargs):
        lang = request.query_params.get("lang")
        if lang is not None:
            if lang not in dict(settings.LANGUAGES):
                choices = ", ".join(dict(settings.LANGUAGES))
                raise exceptions.ValidationError({"lang": [_("Choose one of: %(choices)s.") % {"choices": choices}]})
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


router = routers.DefaultRouter()


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
        "queues the rendering); 503 when rendering failed.",
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
        from mot_portal.documents import LANGUAGES, DocumentUnavailable, ReadyDocument, document_for_reader
        from mot_portal.models import StoredDocument
        from mot_portal.views import RETRY_AFTER_SECONDS, document_file_response

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
            return document_file_response(request, ReadyDocument.of(document), key)
        body = {"status": document.status, "retry_after": RETRY_AFTER_SECONDS, "url": request.build_absolute_uri()}
        if document.status == StoredDocument.State.FAILED:
            return JsonResponse({**body, "retry_after": None, "detail": _("Rendering failed.")}, status=503)
        response = JsonResponse(body, status=202)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
