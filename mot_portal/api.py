"""The v1 router and the language selection every viewset uses (``?lang=`` or Accept-Language)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, routers

from mot_portal.exports import FORMATS, ExportMixin

LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=[code for code, _name in settings.LANGUAGES],
    description="Language of the translated fields (default: Accept-Language, then French).",
)

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=list(FORMATS),
    description=(
        "json (default): this page of results. csv or geojson: every result matching the filters (all pages), "
        "streamed as a file; also chosen by `Accept: text/csv` or `Accept: application/geo+json`. The CSV has "
        "a header row with these field names (nested objects as `field.sub`, lists joined with `; `); the "
        "GeoJSON FeatureCollection has a `metadata` member with the licence and credits. See the data catalogue "
        "(`/api/v1/catalogue/`)."
    ),
)


# The files a list answers with ``format=csv|geojson`` (the JSON list keeps its own schema).
EXPORT_SCHEMAS = {
    "text/csv": {
        "type": "string",
        "description": "Every matching record (UTF-8 with a BOM): a header row with the field names, then a row each.",
    },
    "application/geo+json": {
        "type": "object",
        "description": "A GeoJSON FeatureCollection of every matching record; `metadata` gives the licence.",
        "required": ["type", "metadata", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "metadata": {"type": "object", "additionalProperties": True},
            "features": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        },
    },
}


class LanguageAutoSchema(AutoSchema):
    """Documents the ``lang`` query parameter on every operation of a translated resource, and ``format`` on the
    lists that export (the files are described by the parameter, not as response schemas)."""

    def map_renderers(self, attribute):
        if attribute == "media_type":
            return [media for media in super().map_renderers(attribute) if media not in EXPORT_SCHEMAS]
        return super().map_renderers(attribute)

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        exports = isinstance(self.view, ExportMixin) and getattr(self.view, "action", None) == "list"
        if exports and str(status_code) == "200" and "content" in response:
            response["content"].update({media: {"schema": schema} for media, schema in EXPORT_SCHEMAS.items()})
        return response

    def get_override_parameters(self):
        parameters = [LANG_PARAMETER, *super().get_override_parameters()]
        if isinstance(self.view, ExportMixin) and getattr(self.view, "action", None) == "list":
            parameters.append(FORMAT_PARAMETER)
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
