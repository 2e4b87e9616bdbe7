from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from mot_portal.converters import CodeConverter
from workplan import views
from workplan.models import NODE_CODE_REGEX


class NodeCodeConverter(CodeConverter):
    regex = NODE_CODE_REGEX.strip("^$")


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
