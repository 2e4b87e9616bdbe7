"""Staff issue, revoke and rate the consumers' API keys. A new key is shown once, when it is created: only its
hash is stored."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from mot_portal.apikeys.models import ConsumerKey

# The library registers its own (unused) key model; ours, with a rate, replaces it in the admin.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(ConsumerKey)
class ConsumerKeyAdmin(APIKeyModelAdmin):
    list_display = ["prefix", "name", "rate", "created", "expiry_date", "expired", "revoked"]
    list_filter = ["revoked", "created"]

    @admin.display(description=_("expired"), boolean=True)
    def expired(self, obj: ConsumerKey) -> bool:
        return obj.has_expired

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        key = ConsumerKey.objects.assign_key(obj)
        obj.save()
        message = gettext(
            "The API key of %(name)s is: %(key)s — copy it now and send it to its consumer safely: it will not be "
            "shown again."
        ) % {"name": obj.name, "key": key}
        messages.warning(request, message)
