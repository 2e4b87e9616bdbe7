from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects import feeds, views

app_name = "projects"

urlpatterns = [
    path(_("factsheets/"), views.factsheet_list, name="factsheet_list"),
    path(_("factsheets/feed/"), feeds.LatestFactsheetsFeed(), name="factsheet_feed"),
    path(_("factsheets/<slug:slug>/"), views.factsheet_detail, name="factsheet_detail"),
    path(_("factsheets/<slug:slug>/preview/"), views.factsheet_preview, name="factsheet_preview"),
    path(_("booklets/"), views.booklet_list, name="booklet_list"),
    path(_("booklets/<slug:slug>/"), views.booklet_detail, name="booklet_detail"),
    path(_("booklets/<slug:slug>/preview/"), views.booklet_preview, name="booklet_preview"),
]
