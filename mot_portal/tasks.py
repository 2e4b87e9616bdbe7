from celery import shared_task
from django.conf import settings
from django.db import connection

from mot_portal.documents import TRANSIENT_ERRORS, document_render, documents_refresh


@shared_task(name="mot_portal.health", acks_late=True, soft_time_limit=10, time_limit=20)  # idempotent: reads only
def health() -> dict[str, str]:
    """Prove that a worker runs and reaches the database. Idempotent: reads only."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "database": connection.vendor}


# Rendering is idempotent (see mot_portal.documents), so a task redelivered after a worker died (acks_late,
# reject_on_worker_lost) renders again or finds the file already there. Only transient errors are retried.
@shared_task(
    name="mot_portal.render_document",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def render_document(document_id: int, force: bool = False) -> dict | None:
    """Render one stored document (returns quietly when it is gone)."""
    document = document_render(document_id=document_id, force=force)
    if document is None:
        return None
    return {"id": document.pk, "status": document.status, "pages": document.page_count}


@shared_task(
    name="mot_portal.refresh_documents",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def refresh_documents(kind: str, object_id: int, create: bool = False) -> int:
    """After an edit, re-request the documents of an object; unchanged content queues nothing. Idempotent."""
    return len(documents_refresh(kind=kind, object_id=object_id, create=create))
