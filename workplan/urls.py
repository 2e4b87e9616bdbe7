from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from workplan import views


class NodeCodeConverter:
    regex = r"[0-9]+(?:\.[0-9]+){0,2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NodeCodeConverter, "node")

app_name = "workplan"

urlpatterns = [
    path(_("work-programme/"), views.programme_latest, name="programme_latest"),
    path(_("work-programme/themes/"), views.theme_list, name="theme_list"),
    path(_("work-programme/deal-themes/<int:number>/"), views.deal_theme_detail, name="deal_theme"),
    path(_("work-programme/transversal-themes/<slug:slug>/"), views.transversal_theme_detail, name="transversal_theme"),
    path(_("work-programme/<int:year>/"), views.programme_detail, name="programme"),
    path(_("work-programme/<int:year>/<node:code>/"), views.node_detail, name="node"),
]
