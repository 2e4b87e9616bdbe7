from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    """Staff tooling shared by the content apps: the review workflow's log and roles, sources, history, the
    translation status, bulk import and export."""

    name = "editorial"
    verbose_name = _("Editorial work")

    def ready(self) -> None:
        from mot_portal import changes

        # Sources are cited by pages and PDFs: a change to one is a content change (caches, documents).
        changes.track([self.get_model("Source")])

        from editorial import history, history_admin

        history.register_models()  # which content keeps versions (editorial/history.py)
        history_admin.history_links_install()  # the admin's "History" opens the versions and their differences
