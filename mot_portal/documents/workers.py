"""Workers' signs of life: each Celery worker notes, every ``PDF_WORKER_HEARTBEAT_SECONDS``, that it is alive and
which queues it consumes (``WorkerHeartbeat``), from a thread of its own (a long render in the solo pool, or a
busy prefork pool, does not hold it up). The web reads them (``selectors.worker_seen``) to say that no worker
prepares PDFs and for the readiness check. Connected to the worker's signals in ``mot_portal.celery``."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

_stop = threading.Event()


def worker_beat(name: str, queues: list[str]) -> None:
    """Note that the worker ``name`` is alive and consumes ``queues``."""
    from mot_portal.documents.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        name=name[:200], defaults={"queues": f",{','.join(sorted(queues))},"[:500], "seen_at": timezone.now()}
    )


def worker_gone(name: str) -> None:
    """A worker stopping cleanly says so at once (a killed one ages out after PDF_WORKER_SEEN_SECONDS)."""
    from mot_portal.documents.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(name=name[:200]).delete()


def start(name: str, queues: list[str]) -> threading.Thread:
    """Beat now, then every PDF_WORKER_HEARTBEAT_SECONDS until ``stop()``, each time with a fresh database
    connection closed afterwards (none is held while the pool forks)."""
    _stop.clear()

    def run() -> None:
        while True:
            try:
                worker_beat(name, queues)
            except Exception:  # the database restarting: the next beat tries again
                logger.warning("Could not note the worker's heartbeat", exc_info=True)
            finally:
                connection.close()
            if _stop.wait(settings.PDF_WORKER_HEARTBEAT_SECONDS):
                return

    thread = threading.Thread(target=run, name="worker-heartbeat", daemon=True)
    thread.start()
    return thread


def stop(name: str) -> None:
    _stop.set()
    try:
        worker_gone(name)
    except Exception:
        logger.warning("Could not remove the worker's heartbeat", exc_info=True)
    finally:
        connection.close()
