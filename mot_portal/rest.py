"""REST framework defaults named in settings: permission and pagination classes.

Kept apart from ``mot_portal.api`` (router, mixins) because settings import these classes while
``rest_framework.views`` is still loading; importing the router here would be circular.
"""

from django.db.models import F, ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, filters, permissions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from mot_portal.pagination import page_number


class IsStaffWithModelPermissionsOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writes need an authenticated staff account holding the model permission."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return super().has_permission(request, view)


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
    """Page-number pagination that answers a bad page number with a 400 and a field error."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        if page_number(request.query_params.get(self.page_query_param), default=None) is None and (
            self.page_query_param in request.query_params
        ):
            raise exceptions.ValidationError({self.page_query_param: [_("A page number is a positive whole number.")]})
        if self.page_size_query_param in request.query_params:
            size = page_number(request.query_params[self.page_size_query_param], default=None)
            if size is None or size > self.max_page_size:
                raise exceptions.ValidationError(
                    {
                        self.page_size_query_param: [
                            _("A page size is a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                        ]
                    }
                )
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise exceptions.ValidationError({self.page_query_param: [_("That page does not exist.")]}) from None

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
