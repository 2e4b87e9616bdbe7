"""Admin list pages that never 500 on a bad query string (issue 11)."""

from django.contrib.admin.options import IncorrectLookupParameters


class StrictLookupsMixin:
    """The list page refuses a query string holding a NUL character as Django's admin refuses any bad lookup
    (back to the unfiltered list, ``?e=1``), instead of a 500: PostgreSQL text cannot hold NUL, and a choice,
    text or ``SimpleListFilter`` lookup only reaches the database when the page counts its rows."""

    def get_changelist_instance(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise IncorrectLookupParameters("NUL character in the query string")
        return super().get_changelist_instance(request)
