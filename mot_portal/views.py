"""Portal-wide pages: home, data and credits, health."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from towns.selectors import home_figures


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"figures": home_figures()})


def credits(request: HttpRequest) -> HttpResponse:
    return render(request, "credits.html", {"data_dir": settings.TOWNS_DATA_DIR})


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
