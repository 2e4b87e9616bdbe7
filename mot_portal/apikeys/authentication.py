"""The ``Authorization: Api-Key <key>`` header: it names the consumer whose rate applies (see throttling.py)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

KEYWORD = "Api-Key"


class APIKeyAuthentication(authentication.BaseAuthentication):
    """A valid key is kept as ``request.auth``; the user stays anonymous, so a key grants no write. A key that is
    unknown, revoked or expired is refused with a 401 rather than served at the anonymous rate, so that its
    consumer learns at once that it must ask for a new one."""

    def authenticate(self, request):
        from mot_portal.apikeys.models import ConsumerKey  # DRF loads this class before the apps are ready

        key = KeyParser().get(request)
        if key is None:
            return None
        if "\x00" in key or len(key) > 200:
            raise exceptions.AuthenticationFailed(_("This API key is unknown or has been revoked."))
        try:
            api_key = ConsumerKey.objects.get_from_key(key)
        except ConsumerKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("This API key is unknown or has been revoked.")) from None
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        return AnonymousUser(), api_key

    def authenticate_header(self, request) -> str:
        return KEYWORD


class APIKeyScheme(OpenApiAuthenticationExtension):
    """The key as an OpenAPI security scheme (drf-spectacular finds extensions by the class they name)."""

    target_class = "mot_portal.apikeys.authentication.APIKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: reads at the key's own rate. Keys grant no write.",
        }
