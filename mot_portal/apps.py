from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MotPortalConfig(AppConfig):
    name = "mot_portal"
    verbose_name = _("MOT portal")

    def ready(self):
        from mot_portal.uploads import pillow_limits

        pillow_limits()
