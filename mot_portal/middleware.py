from django.db import connection
from django.http import JsonResponse


class HealthCheckMiddleware:
    """Answer ``/health/`` before host validation and HTTPS redirects.

    Load balancers and the container health check call it by IP over plain HTTP, which
    ``ALLOWED_HOSTS`` and ``SECURE_SSL_REDIRECT`` would otherwise refuse.
    """

    path = "/health/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != self.path:
            return self.get_response(request)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        response = JsonResponse({"status": "ok"})
        response["Cache-Control"] = "no-store"
        return response
