"""Login protection (django-axes): the app configuration that names it in the admin, and the admin where staff
see the failed sign-ins and unlock an address or account before its cool-off ends (issue 11)."""

from axes.apps import AppConfig as AxesAppConfig
from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

# Labels of django-axes that its French catalogue lacks: listed here so that makemessages keeps them in ours.
AXES_LABELS = [
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Session key hash (sha256)"),
]


class LockedOutFilter(admin.SimpleListFilter):
    title = _("locked out")
    parameter_name = "locked_out"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=settings.AXES_FAILURE_LIMIT)
        return queryset


def _access_attempt_admin():
    from axes.admin import AccessAttemptAdmin

    class LockoutAdmin(AccessAttemptAdmin):
        """Failed sign-ins per address and username; deleting a row (or *Unlock*) lifts its lockout at once."""

        list_display = ["attempt_time", "ip_address", "username", "failures_since_start", "status"]
        list_filter = ["attempt_time", LockedOutFilter]
        actions = ["unlock"]

        @admin.display(description=_("status"))
        def status(self, obj) -> str:
            left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
            if left <= 0:
                return gettext("Locked out")
            return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}

        @admin.display(description=_("expires"))
        def expiration(self, obj):
            return obj.expiration.expires_at if hasattr(obj, "expiration") else "—"

        @admin.action(description=_("Unlock the selected addresses and accounts"), permissions=["delete"])
        def unlock(self, request, queryset):
            count, _details = queryset.delete()
            self.message_user(
                request,
                ngettext("%(count)d lockout lifted.", "%(count)d lockouts lifted.", count) % {"count": count},
                messages.SUCCESS,
            )

    return LockoutAdmin


class LoginProtectionConfig(AxesAppConfig):
    """django-axes, named in the admin, with our admin of its attempts (``AXES_ENABLE_ADMIN`` is off)."""

    verbose_name = _("Login protection")

    def ready(self):
        super().ready()
        from axes.admin import AccessLogAdmin
        from axes.models import AccessAttempt, AccessLog

        admin.site.register(AccessAttempt, _access_attempt_admin())
        admin.site.register(AccessLog, AccessLogAdmin)
