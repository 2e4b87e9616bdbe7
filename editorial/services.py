"""Writes of the editorial app: the log of publication transitions and the e-mails they send."""

from __future__ import annotations

import logging

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from editorial.models import WorkflowEvent
from editorial.workflow import PUBLISH_PERMISSION, transition_label
from mot_portal.publishing import Status

logger = logging.getLogger(__name__)


def transition_record(*, obj, from_status: str, to_status: str, user, comment: str = "") -> WorkflowEvent:
    """Log a publication transition of ``obj`` (inside the caller's transaction and revision: the record's history
    names it), and send its e-mails after commit: the reviewers when it is submitted, the author of the submission
    when it is published or sent back."""
    event = WorkflowEvent.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        from_status=from_status,
        to_status=to_status,
        user=user,
        comment=comment.strip(),
    )
    if reversion.is_active():
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(_transition_comment(event))
    if user is not None:  # the system's transitions (loaders, imports from files) tell nobody
        transaction.on_commit(lambda: _queue_emails(event.pk))
    return event


def _transition_comment(event: WorkflowEvent) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        label = transition_label(event.from_status, event.to_status)
        return f"{label} : {event.comment}" if event.comment else label


def _queue_emails(event_id: int) -> None:
    from editorial.tasks import send_workflow_emails

    try:
        send_workflow_emails.delay(event_id)
    except Exception:  # the broker is down: the transition stands; the log says who was not told
        logger.exception("Publication step %s: its e-mails could not be queued", event_id)


def submission_author(event: WorkflowEvent):
    """Who submitted the record for the review this event ends (the latest "submit" before it), or ``None``."""
    submit = (
        WorkflowEvent.objects.filter(
            content_type=event.content_type, object_id=event.object_id, to_status=Status.IN_REVIEW, pk__lt=event.pk
        )
        .select_related("user")
        .order_by("-pk")
        .first()
    )
    return submit.user if submit else None


def reviewers_emails() -> list[str]:
    """``EDITORIAL_REVIEW_RECIPIENTS`` if set, else the e-mail of every active user holding the publish permission
    (directly, through a group, or as a superuser)."""
    if settings.EDITORIAL_REVIEW_RECIPIENTS:
        return list(settings.EDITORIAL_REVIEW_RECIPIENTS)
    app_label, codename = PUBLISH_PERMISSION.split(".")
    perm = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    group_perm = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    users = get_user_model().objects.filter(Q(is_active=True) & (Q(is_superuser=True) | perm | group_perm))
    return sorted({email for email in users.exclude(email="").values_list("email", flat=True)})


def workflow_emails(event: WorkflowEvent) -> list[EmailMessage]:
    """The e-mails a transition sends (none for the others)."""
    if event.to_status == Status.IN_REVIEW and event.from_status == Status.DRAFT:
        recipients = [email for email in reviewers_emails() if not event.user or email != event.user.email]
        kind = "submitted"
    elif event.from_status == Status.IN_REVIEW and event.to_status in (Status.PUBLISHED, Status.DRAFT):
        author = submission_author(event)
        if author is None or author == event.user or not author.email:
            return []
        recipients = [author.email]
        kind = "published" if event.to_status == Status.PUBLISHED else "sent_back"
    else:
        return []
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):  # the MOT's staff read French
        actor = (event.user.get_full_name() or event.user.get_username()) if event.user else _("the portal")
        record = event.object_repr
        subjects = {
            "submitted": _("To review: “%(record)s”"),
            "published": _("Published: “%(record)s”"),
            "sent_back": _("Sent back: “%(record)s”"),
        }
        intros = {
            "submitted": _("%(actor)s submitted “%(record)s” for review."),
            "published": _("%(actor)s published “%(record)s”."),
            "sent_back": _("%(actor)s sent “%(record)s” back to you."),
        }
        lines = [intros[kind] % {"actor": actor, "record": record}]
        if event.comment:
            lines += ["", _("Comment:"), event.comment]
        url = _admin_url(event)
        if url:
            lines += ["", _("Open it: %(url)s") % {"url": url}]
        subject = subjects[kind] % {"record": record}
    return [
        EmailMessage(
            subject=" ".join(subject.split())[:200],
            body="\n".join(lines) + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        )
    ]


def _admin_url(event: WorkflowEvent) -> str:
    ct = event.content_type
    try:
        path = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[event.object_id])
    except NoReverseMatch:
        return ""
    return f"{settings.PORTAL_URL}{path}" if settings.PORTAL_URL else path


def workflow_emails_send(*, event_id: int) -> int:
    """Send a transition's e-mails; quiet if the step is gone. Returns how many were sent."""
    event = WorkflowEvent.objects.select_related("user", "content_type").filter(pk=event_id).first()
    if event is None:
        return 0
    sent = 0
    for message in workflow_emails(event):
        sent += message.send()
    return sent
