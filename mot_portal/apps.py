from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MotPortalConfig(AppConfig):
    name = "mot_portal"
    verbose_name = _("MOT portal")
