"""Scaffold (replaced by the offer, form and legal pages work): every route answers so that templates can link."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _page(request: HttpRequest, **kwargs) -> HttpResponse:
    return render(request, "support/scaffold.html", {})


offer = service_detail = about_programme = request_form = request_sent = _page
contact = legal_notice = privacy = accessibility = _page
