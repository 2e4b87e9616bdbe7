from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from towns import views
from towns.converters import InseeCodeConverter, SirenConverter

register_converter(InseeCodeConverter, "insee")
register_converter(SirenConverter, "siren")

app_name = "towns"

urlpatterns = [
    path(_("towns/"), views.town_list, name="town_list"),
    path(_("towns/<insee:insee_code>/"), views.town_detail, name="town_detail"),
    path(_("towns/<insee:insee_code>/diagnostic/"), views.town_diagnostic, name="town_diagnostic"),
    path(_("intercommunalities/<siren:siren>/"), views.intercommunality_detail, name="intercommunality_detail"),
    path(_("partners/"), views.partner_list, name="partner_list"),
    path(_("partners/<slug:slug>/"), views.partner_detail, name="partner_detail"),
    path(_("cross-border-areas/"), views.area_list, name="area_list"),
    path(_("cross-border-areas/<slug:slug>/"), views.area_detail, name="area_detail"),
]
