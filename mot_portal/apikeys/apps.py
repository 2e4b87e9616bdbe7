from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiKeysConfig(AppConfig):
    name = "mot_portal.apikeys"
    label = "apikeys"
    verbose_name = _("API consumers")
    default_auto_field = "django.db.models.BigAutoField"
