from django.urls import path
from django.utils.translation import gettext_lazy as _

from support import request_views, views

app_name = "support"

urlpatterns = [
    path(_("offer/"), views.offer, name="offer"),
    path(_("offer/<slug:slug>/"), views.service_detail, name="service_detail"),
    path(_("about-the-programme/"), views.about_programme, name="about_programme"),
    path(_("ask-the-mot/"), request_views.request_form, name="request"),
    path(_("ask-the-mot/sent/"), request_views.request_sent, name="request_sent"),
    path(_("contact/"), views.contact, name="contact"),
    path(_("legal-notice/"), views.legal_notice, name="legal_notice"),
    path(_("privacy/"), views.privacy, name="privacy"),
    path(_("accessibility/"), views.accessibility, name="accessibility"),
]
