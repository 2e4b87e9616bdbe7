from django.urls import path
from django.utils.translation import gettext_lazy as _

from missions import views

app_name = "missions"

urlpatterns = [
    path(_("missions/"), views.mission_list, name="mission_list"),
    path(_("missions/<slug:slug>/"), views.mission_detail, name="mission_detail"),
    path(_("missions/<slug:slug>/preview/"), views.mission_preview, name="mission_preview"),
    path(_("missions/<slug:slug>/roadmap/<int:version>/"), views.roadmap_detail, name="roadmap_detail"),
]
