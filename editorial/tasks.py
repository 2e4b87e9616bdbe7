"""Celery tasks of the editorial app: thin, taking ids."""

from celery import shared_task

from support.tasks import MAIL_ERRORS


@shared_task(
    name="editorial.send_workflow_emails",
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
)
def send_workflow_emails(event_id: int) -> int:
    """The e-mails of one publication step (reviewers told of a submission, the author of its outcome)."""
    from editorial.services import workflow_emails_send

    return workflow_emails_send(event_id=event_id)
