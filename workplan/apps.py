from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "workplan"
    verbose_name = _("Work programme")

    def ready(self) -> None:
        from mot_portal import changes
        from mot_portal.documents import registry
        from workplan import documents

        parts = {self.get_model(name): owner for name, owner in documents.PARTS.items()}
        changes.track(self.get_models(), parts=parts)
        registry.register(*documents.KINDS)
