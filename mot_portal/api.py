"""The v1 router and the language selection every viewset uses (``?lang=`` or Accept-Language)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, routers

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
