"""REST helpers every app's API uses: the defaults named in settings (permissions, pagination, ordering,
exception handler) and the serializer pieces (natural keys, code relations, absolute URLs, draft visibility).

Kept apart from ``mot_portal.api`` (router, language mixin) because settings import these classes while
``rest_framework.views`` is still loading: nothing here may import the views or the router.
"""

import copy
import re
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters, permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from mot_portal.pagination import page_number

SLUG_REGEX = r"[-a-zA-Z0-9_]+"
FRENCH_REQUIRED = {"required": True, "allow_null": False, "allow_blank": False}


class IsStaffWithModelPermissionsOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writes need an authenticated staff account holding the model permission."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj) -> bool:
        """Published content is changed and deleted by reviewers only (editors submit; see editorial.workflow)."""
        if request.method in permissions.SAFE_METHODS:
            return True
        from mot_portal.admin import published_lock

        return not published_lock(request.user, obj)


def exception_handler(exc, context):
    """DRF's handler, plus a 409 (not a 500) when a delete would orphan protected records."""
    from rest_framework.views import exception_handler as drf_exception_handler  # circular at import time

    if isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict(_("Other records still refer to this one; change or delete them first."))
    return drf_exception_handler(exc, context)


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


class StrictPageNumberPagination(PageNumberPagination):
    """Page-number pagination that answers a bad page number with a 400 and a field error.

    A page holds at most ``max_page_size`` records, which keeps one request bounded (measured on PostgreSQL, one
    request at a time: 100 towns in 28 ms, 500 in 113 ms). Sizes up to ``accepted_page_size`` (the cap before
    issue 11) are still accepted and served ``max_page_size`` at a time, so that clients which follow ``next`` keep
    working; larger ones get a 400.
    """

    page_size_query_param = "page_size"
    page_size_query_description = (
        "Number of results per page: at most 100 (a size up to 500 is accepted and served 100 at a time)."
    )
    max_page_size = 100
    accepted_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self.check_parameters(request)
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise exceptions.ValidationError({self.page_query_param: [_("That page does not exist.")]}) from None

    def check_parameters(self, request) -> None:
        """A 400 for a page number or size that is not one (exports check them too, though they read every page)."""
        if page_number(request.query_params.get(self.page_query_param), default=None) is None and (
            self.page_query_param in request.query_params
        ):
            raise exceptions.ValidationError({self.page_query_param: [_("A page number is a positive whole number.")]})
        if self.page_size_query_param in request.query_params:
            size = page_number(request.query_params[self.page_size_query_param], default=None)
            if size is None or size > self.accepted_page_size:
                raise exceptions.ValidationError(
                    {
                        self.page_size_query_param: [
                            _("A page size is a whole number from 1 to %(max)d.") % {"max": self.accepted_page_size}
                        ]
                    }
                )

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123, "description": "Number of results across all pages."},
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "URL of the next page, or null on the last page.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "URL of the previous page, or null on the first page.",
                },
                "results": {**schema, "description": "The records of this page."},
            },
        }


class ThrottleCacheMixin:
    """Throttle counters in the ``throttle`` cache (``THROTTLE_CACHE_URL``: a Redis that never evicts), not in
    the page cache, which evicts: flooding it with pages must not flush the counters."""

    @property
    def cache(self):
        from django.core.cache import caches

        return caches["throttle"]


class HeavyListThrottle(ThrottleCacheMixin, SimpleRateThrottle):
    """Anonymous requests for pages larger than ``THROTTLE_HEAVY_PAGE_SIZE``, and exports (``?format=csv`` or
    ``geojson``: every row of a list), also count against the stricter "heavy" rate, per address: large pages are
    what ties up the web workers. Key holders and staff have their own budget (``ClientRateThrottle``)."""

    scope = "heavy"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read now, not when DRF was imported

    def get_cache_key(self, request, view):
        if request.auth is not None or (request.user and request.user.is_authenticated):
            return None
        if getattr(getattr(request, "accepted_renderer", None), "export", False):  # a whole list as a file
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        size = page_number(request.query_params.get(StrictPageNumberPagination.page_size_query_param), default=None)
        if size is None or size <= settings.THROTTLE_HEAVY_PAGE_SIZE:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class StableOrderingFilter(filters.OrderingFilter):
    """``?ordering=`` with a stable page order: the view's default ordering breaks ties, and empty
    values sort last on every database (SQLite puts NULLs first, PostgreSQL last)."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view) or []
        tie_break = [field for field in getattr(view, "ordering", []) if field.lstrip("-") not in ordering]
        expressions = [
            F(field[1:]).desc(nulls_last=True) if field.startswith("-") else F(field).asc(nulls_last=True)
            for field in [*ordering, *tie_break]
        ]
        return queryset.order_by(*expressions) if expressions else queryset


# --- Serializer pieces ------------------------------------------------------------------------------------------


def absolute_url(serializer: serializers.Serializer, url: str) -> str:
    """``url`` made absolute with the request's host (as is when the serializer has no request)."""
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


def file_url(serializer: serializers.Serializer, file) -> str | None:
    """The absolute URL of a stored file, or None when there is none."""
    return absolute_url(serializer, file.url) if file else None


def can_see_drafts(view, permission: str) -> bool:
    """Whether the request's user is staff holding ``permission`` (e.g. ``projects.view_factsheet``): only they
    see drafts in the API."""
    user = getattr(getattr(view, "request", None), "user", None)
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(permission))


def translated_field(help_text: str, **kwargs) -> serializers.CharField:
    """A read-only text in the requested language (the ``_fr`` and ``_en`` fields are listed beside it)."""
    return serializers.CharField(read_only=True, help_text=help_text, **kwargs)


class CodeRelatedField(serializers.SlugRelatedField):
    """A relation given by its code; a value with a NUL byte is refused before it reaches the database
    (PostgreSQL cannot compare text containing NUL and would answer with an error, not "not found")."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value="\\x00")
        return super().to_internal_value(data)


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class CodeListField(serializers.Field):
    """The codes (slugs, ISO codes) of prefetched related records, read from a list or a queryset."""

    def __init__(self, *, attribute: str = "slug", **kwargs):
        super().__init__(read_only=True, **kwargs)
        self.attribute = attribute

    def to_representation(self, value) -> list[str]:
        records = value.all() if hasattr(value, "all") else value
        return [getattr(record, self.attribute) for record in records]


def validate_model(serializer: serializers.ModelSerializer, attrs: dict) -> dict:
    """Run the model's own validation (validators, check constraints) on the would-be record.

    Uniqueness is left to the serializer's validators; many-to-many values are not model fields.
    """
    model = serializer.Meta.model
    instance = copy.copy(serializer.instance) if serializer.instance is not None else model()
    many_to_many = {f.name for f in model._meta.many_to_many}
    for name, value in attrs.items():
        if name not in many_to_many:
            setattr(instance, name, value)
    try:
        instance.full_clean(validate_unique=False)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
    return attrs


class NaturalKeyMixin:
    """The natural key (INSEE code, SIREN, slug…) is set on creation and read-only afterwards."""

    natural_key: str

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        if self.instance is not None:
            extra.setdefault(self.natural_key, {})["read_only"] = True
        return extra


_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def as_uri(value: str) -> str:
    """``value`` (a URL Django's URLValidator accepts: an accented host or path, brackets, a stray ``%``…) as an
    RFC 3986 URI meaning the same address: the host in IDNA (punycode), the rest percent-encoded."""
    if not value:
        return value
    parts = urlsplit(value)
    netloc = parts.netloc
    if parts.hostname and not netloc.isascii():
        userinfo, _at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.rpartition(":") if hostport.count(":") == 1 else (hostport, "", "")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = quote(host, safe="")
        netloc = f"{quote(userinfo, safe=':') + '@' if _at else ''}{host}{colon}{port}"

    def encoded(part: str, safe: str) -> str:
        return quote(_BAD_PERCENT.sub("%25", part), safe=safe + "%")

    return urlunsplit(
        (
            parts.scheme,
            netloc,
            encoded(parts.path, "/:@!$&'()*+,;="),
            encoded(parts.query, "/?:@!$&'()*+,;="),
            encoded(parts.fragment, "/?:@!$&'()*+,;="),
        )
    )


class UriField(serializers.URLField):
    """A URL read and written as an RFC 3986 URI (the schema says ``format: uri``): what staff typed in the admin
    (an accented address) and what a client sends are given back percent-encoded, never as an invalid URI."""

    def to_internal_value(self, data):
        return as_uri(super().to_internal_value(data))

    def to_representation(self, value):
        return as_uri(super().to_representation(value))


# The docstring of a serializer is its description in the API schema (public): implementation notes go in comments.
# Subclasses write through their app's services (``create``/``update`` turn the request into the service's
# arguments), so that the API, the admin and the importers share one write path.
class PortalSerializer(NaturalKeyMixin, serializers.ModelSerializer):
    """Writes run the model's validation; the natural key is fixed once created."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.URLField: UriField}

    def validate(self, attrs):
        return validate_model(self, attrs)


# Creates and updates through the app's services: ``services = (create, update, "<argument>")``, the update service
# taking the record as ``<argument>`` (``town_update(town=…, fields=…)``). (No docstring: see PortalSerializer.)
class ServiceSerializer(PortalSerializer):
    services: tuple

    def create(self, validated_data):
        create, _update, _argument = self.services
        fields, relations = split_relations(self.Meta.model, validated_data)
        return create(fields=fields, **relations)

    def update(self, instance, validated_data):
        _create, update, argument = self.services
        fields, relations = split_relations(self.Meta.model, validated_data)
        return update(**{argument: instance}, fields=fields, **relations)


def split_relations(model, validated_data: dict, *names: str) -> tuple[dict, dict]:
    """``validated_data`` as (model fields, relations): the many-to-many relations of ``model`` and the
    ``names`` given (nested rows such as a factsheet's towns) go to the second."""
    relations = {f.name for f in model._meta.many_to_many} | set(names)
    fields = {k: v for k, v in validated_data.items() if k not in relations}
    return fields, {k: v for k, v in validated_data.items() if k in relations}
