from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TownsConfig(AppConfig):
    name = "towns"
    verbose_name = _("Towns and partners")

    def ready(self) -> None:
        from mot_portal import changes
        from mot_portal.documents import registry
        from towns import documents

        changes.track(self.get_models())
        registry.register(*documents.KINDS)
