"""Celery tasks of the editorial app: thin, taking ids."""

from celery import shared_task

from support.tasks import MAIL_TASK_OPTIONS


@shared_task(name="editorial.send_workflow_emails", **MAIL_TASK_OPTIONS)
def send_workflow_emails(event_id: int) -> int:
    """The e-mails of one publication step (reviewers told of a submission, the author of its outcome)."""
    from editorial.services import workflow_emails_send

    return workflow_emails_send(event_id=event_id)
