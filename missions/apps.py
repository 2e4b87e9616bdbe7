from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Support missions")

    def ready(self) -> None:
        from missions import documents
        from mot_portal import changes
        from mot_portal.documents import registry

        parts = {self.get_model(name): owner for name, owner in documents.PARTS.items()}
        changes.track(self.get_models(), parts=parts)
        registry.register(*documents.KINDS)
