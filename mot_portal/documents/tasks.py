"""Celery tasks of the PDF documents: thin, taking ids; the services are idempotent, hence ``acks_late``."""

from celery import shared_task
from django.conf import settings

from mot_portal.documents.services import TRANSIENT_ERRORS, document_render, documents_reconcile, documents_refresh

# No task of this module has a result anyone reads: ignoring results also keeps the publish from subscribing to
# the result store (with a dead Redis, that subscription alone cost 19 s and then raised). Every task is
# idempotent (acks_late: redelivered if its worker dies) and retried on transient errors only.
IDEMPOTENT = {"ignore_result": True, "acks_late": True, "autoretry_for": TRANSIENT_ERRORS}


# Rendering is idempotent, so a task redelivered after a worker died (acks_late, reject_on_worker_lost) renders
# again or finds the file already there; a lease (services.document_render) keeps a redelivered task and one
# queued again from rendering at the same time. Only transient errors are retried. Routed to the "documents"
# queue (CELERY_TASK_ROUTES).
@shared_task(
    name="mot_portal.render_document",
    **IDEMPOTENT,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def render_document(document_id: int, force: bool = False) -> dict | None:
    """Render one stored document (returns quietly when it is gone or no longer public)."""
    document = document_render(document_id=document_id, force=force)
    if document is None:
        return None
    return {"id": document.pk, "status": document.status, "pages": document.page_count}


@shared_task(
    name="mot_portal.documents.refresh",
    **IDEMPOTENT,
    retry_backoff=2,
    max_retries=5,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def refresh_documents_of(pairs: list[list], create: bool = False) -> int:
    """After a transaction: request again the documents of its [kind, object id] pairs (unchanged content queues
    nothing; objects no longer public lose theirs). Idempotent."""
    return len(documents_refresh(pairs=[(kind, int(object_id)) for kind, object_id in pairs], create=create))


@shared_task(
    name="mot_portal.refresh_documents",
    **IDEMPOTENT,
    retry_backoff=2,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def refresh_documents(kind: str, object_id: int, create: bool = False) -> int:
    """The refresh of one object, as queued before refreshes were batched (kept for messages still in a queue
    while a new version is deployed). Idempotent."""
    return len(documents_refresh(pairs=[(kind, object_id)], create=create))


@shared_task(
    name="mot_portal.documents.reconcile",
    **IDEMPOTENT,
    max_retries=0,  # beat runs it again soon
    soft_time_limit=120,
    time_limit=150,
)
def reconcile_documents() -> dict:
    """Run by Celery beat every PDF_RECONCILE_SECONDS: refreshes that could not be queued, and documents whose
    queueing failed, whose message was lost or whose worker died, queued again. Idempotent."""
    return documents_reconcile()
