"""REST framework defaults named in settings: permission and pagination classes.

Kept apart from ``mot_portal.api`` (router, mixins) because settings import these classes while
``rest_framework.views`` is still loading; importing the router here would be circular.
"""

from rest_framework import exceptions, permissions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class IsStaffWithModelPermissionsOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writes need an authenticated staff account holding the model permission."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return super().has_permission(request, view)


class StrictPageNumberPagination(PageNumberPagination):
    """Page-number pagination that answers a bad page number with a 400 and a field error."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
            raise exceptions.ValidationError({self.page_query_param: ["A page number is a positive whole number."]})
        raw_size = request.query_params.get(self.page_size_query_param)
        if raw_size is not None and (not raw_size.isdigit() or not 1 <= int(raw_size) <= self.max_page_size):
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"A page size is a whole number from 1 to {self.max_page_size}."]}
            )
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise exceptions.ValidationError({self.page_query_param: ["That page does not exist."]}) from None

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
