import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.http import JsonResponse

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answer ``/health/`` (liveness) and ``/ready/`` (readiness) before host validation and HTTPS redirects.

    Load balancers and the container health check call them by IP over plain HTTP, which
    ``ALLOWED_HOSTS`` and ``SECURE_SSL_REDIRECT`` would otherwise refuse. ``/health/`` says the process answers
    and reaches its database (restart it if not); ``/ready/`` says it can serve everything now (send it traffic).
    """

    path = "/health/"
    ready_path = "/ready/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == self.ready_path:
            return readiness_response()
        if request.path != self.path:
            return self.get_response(request)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        response = JsonResponse({"status": "ok"})
        response["Cache-Control"] = "no-store"
        return response


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key, value = f"ready:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def _broker() -> str | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not configured"  # tasks run in the calling process
    from mot_portal.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=0, timeout=settings.READY_TIMEOUT_SECONDS)
        broker.default_channel  # noqa: B018 (a round trip: the Redis transport connects lazily)
    return None


def _worker() -> str | None:
    from mot_portal.documents.selectors import worker_seen

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not configured"
    missing = [
        queue for queue in (settings.CELERY_TASK_DEFAULT_QUEUE, settings.DOCUMENTS_QUEUE) if not worker_seen(queue)
    ]
    if missing:
        raise RuntimeError(f"no worker seen recently on {', '.join(missing)}")
    return None


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "worker": _worker}


def _run(check) -> str | None:
    try:
        return check()
    finally:
        connections.close_all()  # this thread's own connections


# One bounded pool for every readiness call of the process: checks that hang (a database or network stall) hold at
# most these threads, never one more per call.
_EXECUTOR = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="ready")
_LAST: dict = {}


def readiness_response() -> JsonResponse:
    """Each check runs in a thread of the pool, all within READY_TIMEOUT_SECONDS (a hung service is a failed check,
    not a hung request). 200 while every check of READY_REQUIRED passes (``degraded`` when another one fails),
    else 503; the body names each check's outcome (no error details: the endpoint is public; they are logged).
    The outcome is kept READY_MEMO_SECONDS, so polling it costs the services nothing more. Never cached."""
    now = time.monotonic()
    if _LAST and now - _LAST["at"] < settings.READY_MEMO_SECONDS:
        results = _LAST["results"]
    else:
        results = _check_all(now)
        _LAST.update(at=now, results=results)
    passed = {name for name, outcome in results.items() if outcome in ("ok", "not configured")}
    ready = set(settings.READY_REQUIRED) <= passed
    status = ("ready" if passed >= set(CHECKS) else "degraded") if ready else "unavailable"
    response = JsonResponse({"status": status, "checks": results}, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


def _check_all(started: float) -> dict[str, str]:
    results: dict[str, str] = {}
    futures = {name: _EXECUTOR.submit(_run, check) for name, check in CHECKS.items()}
    for name, future in futures.items():
        remaining = max(0.0, settings.READY_TIMEOUT_SECONDS - (time.monotonic() - started))
        try:
            results[name] = future.result(timeout=remaining) or "ok"
        except FutureTimeout:
            future.cancel()
            results[name] = "timeout"
            logger.warning("Readiness check %s timed out", name)
        except Exception as exc:
            results[name] = "unavailable"
            logger.warning("Readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
    return results


class AdminQueryGuardMiddleware:
    """An admin page asked with a NUL character in its query string goes back to the unfiltered list (``?e=1``),
    as Django's admin answers any bad lookup, instead of a 500: PostgreSQL text cannot hold NUL. Covers every
    admin, ours and third-party ones (users, tokens, login attempts, API keys), before any query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "/admin/" in request.path and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(f"{request.path}?e=1")
        return self.get_response(request)
