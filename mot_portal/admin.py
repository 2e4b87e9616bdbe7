"""Admin pieces shared by the apps."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class PublicLinkMixin:
    """A read-only field linking a record to its public page."""

    @admin.display(description=_("public page"))
    def public_link(self, obj) -> str:
        if not obj.pk:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("View"))
