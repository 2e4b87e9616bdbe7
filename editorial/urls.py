"""The history pages, under the admin (its login, its look): mounted before the admin's own URLs."""

from django.contrib import admin
from django.urls import path

from editorial import history_admin

app_name = "editorial"

urlpatterns = [
    path("recent-changes/", admin.site.admin_view(history_admin.recent_changes), name="recent_changes"),
    path(
        "history/<str:app_label>/<str:model_name>/<str:object_id>/",
        admin.site.admin_view(history_admin.object_history),
        name="history",
    ),
    path(
        "history/<str:app_label>/<str:model_name>/<str:object_id>/compare/",
        admin.site.admin_view(history_admin.compare),
        name="history_compare",
    ),
    path(
        "history/<str:app_label>/<str:model_name>/<str:object_id>/restore/<int:version_id>/",
        admin.site.admin_view(history_admin.restore),
        name="history_restore",
    ),
]
