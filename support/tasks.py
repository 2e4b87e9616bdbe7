"""Celery tasks of the support requests: thin, taking ids; the services are idempotent, hence ``acks_late``."""

import datetime
import logging
import smtplib

from celery import shared_task
from django.conf import settings

from mot_portal.documents.services import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)

# An SMTP server down or refusing for now (4xx), a network error: the next attempt may succeed.
MAIL_ERRORS = (smtplib.SMTPException, OSError, *TRANSIENT_ERRORS)


# How an e-mail task retries (the support requests' and the editorial workflow's): backing off up to 30 minutes.
MAIL_TASK_OPTIONS = {
    "ignore_result": True,
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": 6,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(name="support.send_request_emails", acks_late=True, **MAIL_TASK_OPTIONS)
def send_support_request_emails(request_id: int) -> dict | None:
    """The acknowledgement and the staff notification of one request (each sent once; quiet if it is gone)."""
    from support.request_services import support_request_emails_send

    return support_request_emails_send(request_id=request_id)


@shared_task(name="support.send_pending_emails", ignore_result=True, soft_time_limit=240, time_limit=300)
def send_pending_emails() -> int:
    """Beat: the e-mails of requests whose task was never queued (broker down) or gave up; each request in turn,
    an error logged and left for the next run."""
    from support.request_services import support_request_emails_send, support_requests_pending_emails

    older_than = datetime.timedelta(seconds=settings.SUPPORT_REQUEST_EMAIL_RETRY_SECONDS)
    sent = 0
    for request_id in support_requests_pending_emails(older_than=older_than).values_list("pk", flat=True)[:100]:
        try:
            support_request_emails_send(request_id=request_id)
            sent += 1
        except MAIL_ERRORS as exc:
            logger.warning("Support request %s: e-mails still not sent: %s: %s", request_id, type(exc).__name__, exc)
    return sent


@shared_task(name="support.purge_requests", ignore_result=True, soft_time_limit=240, time_limit=300)
def purge_requests() -> int:
    """Beat, daily: delete closed requests past ``SUPPORT_REQUEST_RETENTION_DAYS``."""
    from support.request_services import support_requests_purge

    return support_requests_purge()
