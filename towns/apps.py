from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TownsConfig(AppConfig):
    name = "towns"
    verbose_name = _("Towns and partners")

    def ready(self) -> None:
        from mot_portal import changes

        changes.track(self.get_models())
