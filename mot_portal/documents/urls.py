from django.urls import path
from django.utils.translation import gettext_lazy as _

from mot_portal.documents import views

urlpatterns = [
    path(_("documents/<str:kind>/<str:key>/<str:language>/"), views.document_download, name="document"),
]
