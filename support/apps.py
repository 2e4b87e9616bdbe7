from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("The MOT's offer and support requests")

    def ready(self) -> None:
        from mot_portal import changes

        # The offer is public content (its pages are cached per content version). Support requests are personal
        # data that no public page shows: they are not tracked, so a submission never empties the page cache.
        changes.track([self.get_model("Service"), self.get_model("RetiredMission")])
