from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Project factsheets")

    def ready(self) -> None:
        from mot_portal import changes
        from mot_portal.documents import registry
        from projects import documents

        parts = {self.get_model(name): owner for name, owner in documents.PARTS.items()}
        changes.track(self.get_models(), parts=parts)
        registry.register(*documents.KINDS)
