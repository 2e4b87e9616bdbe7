"""Celery application. Configuration lives in Django settings under the ``CELERY_`` namespace."""

import os

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mot_portal.settings")

app = Celery("mot_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _worker_ready(sender, **kwargs):
    """Workers note that they are alive (see mot_portal.documents.workers): the web says when none renders PDFs."""
    from mot_portal.documents import workers

    workers.start(sender.hostname, list(sender.app.amqp.queues.consume_from))


@worker_shutdown.connect
def _worker_shutdown(sender, **kwargs):
    from mot_portal.documents import workers

    workers.stop(sender.hostname)
