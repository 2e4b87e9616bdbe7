"""Portal-wide pages: home, data and credits."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from towns.selectors import home_figures


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"figures": home_figures()})


def credits(request: HttpRequest) -> HttpResponse:
    return render(request, "credits.html", {"data_dir": settings.TOWNS_DATA_DIR})
