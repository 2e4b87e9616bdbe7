"""Writes of the support requests ("Ask the MOT", issue 13 §3): creating one from the public form, triage by staff,
the draft mission made from one, the e-mails they cause, and the personal-data duties (export, retention).

A request holds personal data: nothing here copies it to anything public (the mission made from a request gets
the town, never the requester's words), and closed requests are deleted after ``SUPPORT_REQUEST_RETENTION_DAYS``.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator, slugify

from missions.models import Mission, NationalProgramme
from missions.services import mission_create
from mot_portal.services import instance_save
from support.models import Service, SupportRequest
from towns.models import Town

logger = logging.getLogger(__name__)

PVD_PROGRAMME = "petites-villes-de-demain"
# Control characters (C0, DEL, C1) other than the line breaks and tabs a text may hold; NUL is refused by the
# form's own validator before this runs (a field error), the rest are dropped silently.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]+")


def plain_text(value: str, *, multiline: bool = False) -> str:
    """``value`` as plain text to store: control characters (and, on one line, line breaks) removed, Unicode
    composed (NFC), surrounding spaces stripped. Never HTML: templates escape it on output."""
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n") if multiline else _LINE_BREAKS.sub(" ", value)
    return _CONTROL.sub("", value).strip()


@transaction.atomic
def support_request_create(
    *,
    town: Town,
    organisation: str,
    role: str,
    name: str,
    email: str,
    phone: str = "",
    service: Service | None,
    need: str,
    consent: bool,
    language: str,
) -> SupportRequest:
    """Store a request from the public form and queue its e-mails (acknowledgement, staff notification) after
    commit. Atomic and validated: an invalid request stores nothing. A failed queue loses nothing: the e-mails
    not sent are retried by ``support_requests_send_pending`` (Celery beat)."""
    request = SupportRequest()
    instance_save(
        instance=request,
        fields={
            "town": town,
            "organisation": plain_text(organisation),
            "role": plain_text(role),
            "name": plain_text(name),
            "email": email.strip(),
            "phone": plain_text(phone),
            "service": service,
            "need": plain_text(need, multiline=True),
            "consent": consent,
            "language": language,
        },
    )
    transaction.on_commit(lambda: _queue_emails(request.pk))
    return request


def _queue_emails(request_id: int) -> None:
    from mot_portal.documents.services import queue_task
    from support.tasks import send_support_request_emails

    try:
        if not queue_task(send_support_request_emails, request_id):
            logger.warning("Support request %s: e-mails not queued (no broker); beat retries them.", request_id)
    except Exception:  # eager (no broker): an SMTP failure must not fail the submission, which is stored
        logger.exception("Support request %s: e-mails not sent; beat retries them.", request_id)


def support_request_emails_send(*, request_id: int) -> dict[str, bool]:
    """Send the e-mails of a request not sent yet: the acknowledgement to the requester (in the request's
    language) and the notification to ``SUPPORT_REQUEST_RECIPIENTS`` (skipped, and logged, when none is set).
    Idempotent: each is marked sent (``acknowledged_at``, ``notified_at``) in its own transaction, the row locked
    meanwhile, and never sent twice. An SMTP error propagates (the task retries), keeping what was sent before."""
    sent = {"acknowledgement": False, "notification": False}
    with transaction.atomic():
        request = _locked(request_id)
        if request is None:
            return sent
        if request.acknowledged_at is None:
            _acknowledgement(request).send()
            request.acknowledged_at = timezone.now()
            request.save(update_fields=["acknowledged_at"])
            sent["acknowledgement"] = True
    if not settings.SUPPORT_REQUEST_RECIPIENTS:
        logger.warning("Support request %s: no SUPPORT_REQUEST_RECIPIENTS set, staff not notified.", request_id)
        return sent
    with transaction.atomic():
        request = _locked(request_id)
        if request is not None and request.notified_at is None:
            _notification(request).send()
            request.notified_at = timezone.now()
            request.save(update_fields=["notified_at"])
            sent["notification"] = True
    return sent


def _locked(request_id: int) -> SupportRequest | None:
    return (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("town__department", "service")
        .filter(pk=request_id)
        .first()
    )


def _acknowledgement(request: SupportRequest) -> EmailMessage:
    language = request.language if request.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "request": request,
            "need_summary": Truncator(request.need).words(120),
            "service": request.service,
            "privacy_url": _absolute(reverse("support:privacy")),
        }
        subject = render_to_string("support/email/acknowledgement_subject.txt", context)
        body = render_to_string("support/email/acknowledgement.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[request.email],
        reply_to=settings.SUPPORT_REQUEST_RECIPIENTS[:1] or None,
    )


def _notification(request: SupportRequest) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):  # the MOT's staff read French
        context = {
            "request": request,
            "admin_url": _absolute(reverse("admin:support_supportrequest_change", args=[request.pk])),
        }
        subject = render_to_string("support/email/notification_subject.txt", context)
        body = render_to_string("support/email/notification.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=settings.SUPPORT_REQUEST_RECIPIENTS,
        reply_to=[request.email],
    )


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_URL}{path}" if settings.PORTAL_URL else path


def support_requests_pending_emails(*, older_than: datetime.timedelta) -> QuerySet[SupportRequest]:
    """Requests received more than ``older_than`` ago whose acknowledgement, or notification (when recipients are
    set), has not been sent: their task was lost (broker down) or failed for good."""
    pending = SupportRequest.objects.filter(acknowledged_at__isnull=True)
    if settings.SUPPORT_REQUEST_RECIPIENTS:
        pending = pending | SupportRequest.objects.filter(notified_at__isnull=True)
    return pending.filter(created_at__lte=timezone.now() - older_than).order_by("pk")


# --- Triage -----------------------------------------------------------------------------------------------------

# The statuses that end a request's handling: closed_at is set, and the retention period runs from it.
FINISHED = (SupportRequest.State.CLOSED, SupportRequest.State.MISSION_CREATED)


@transaction.atomic
def support_request_update(*, request: SupportRequest, fields: dict[str, Any]) -> SupportRequest:
    """Change a request's triage (status, assignment, notes…). ``closed_at`` follows the status: set when it
    becomes closed or turned into a mission (its handling is over: the retention period starts), cleared when it
    is reopened."""
    status = fields.get("status", request.status)
    if status in FINISHED:
        fields = {**fields, "closed_at": request.closed_at or timezone.now()}
    else:
        fields = {**fields, "closed_at": None}
    return instance_save(instance=request, fields=fields)


@transaction.atomic
def support_request_mission_create(*, request: SupportRequest) -> Mission:
    """A DRAFT mission for the request's town (kind from the service wanted, else individual support; the town,
    its intercommunality, the PVD programme for a laureate; a title in French and English) linked from the
    request, whose status becomes "mission created". The requester's words are personal data and are not copied:
    the mission links back to nothing public. An already linked mission is returned as is."""
    request = (
        SupportRequest.objects.select_for_update(of=("self",)).select_related("town", "service").get(pk=request.pk)
    )
    if request.mission_id:
        return request.mission
    town = request.town
    kind = (request.service and request.service.mission_kind) or Mission.Kind.INDIVIDUAL_SUPPORT
    programme = NationalProgramme.objects.filter(slug=PVD_PROGRAMME).first() if town.is_pvd else None
    mission = mission_create(
        fields={
            "slug": _free_slug(f"appui-{town.name}-{town.insee_code}"),
            "title_fr": f"Appui à {town.name}",
            "title_en": f"Support for {town.name}",
            "kind": kind,
            "national_programme": programme,
        },
        towns=[town],
        intercommunalities=[town.intercommunality] if town.intercommunality_id else [],
    )
    support_request_update(request=request, fields={"status": SupportRequest.State.MISSION_CREATED, "mission": mission})
    return mission


def _free_slug(base: str) -> str:
    base = slugify(base)[:100].strip("-") or "appui"
    slug, n = base, 1
    while Mission.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- Personal data ------------------------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "id",
    "created_at",
    "language",
    "organisation",
    "role",
    "name",
    "email",
    "phone",
    "need",
    "consent",
    "status",
    "internal_notes",
    "closed_at",
    "acknowledged_at",
    "notified_at",
)


def requester_data(*, emails: list[str]) -> dict:
    """Everything stored about the requesters with these e-mail addresses (case-insensitive), for an access
    request: each of their requests with its town, service, triage and notes."""
    requests = []
    for email in sorted({e.strip().lower() for e in emails if e.strip()}):
        found = (
            SupportRequest.objects.filter(email__iexact=email)
            .select_related("town", "service", "assigned_to", "mission")
            .order_by("created_at", "pk")
        )
        for request in found:
            record = {field: getattr(request, field) for field in EXPORT_FIELDS}
            record.update(
                town={"insee_code": request.town.insee_code, "name": request.town.name},
                service=request.service.slug if request.service else None,
                assigned_to=request.assigned_to.get_username() if request.assigned_to else None,
                mission=request.mission.slug if request.mission else None,
            )
            requests.append(record)
    return {"exported_at": timezone.now(), "emails": sorted({e.strip().lower() for e in emails}), "requests": requests}


def requester_data_json(*, emails: list[str]) -> str:
    from django.core.serializers.json import DjangoJSONEncoder

    return json.dumps(requester_data(emails=emails), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def support_requests_expired(*, now: datetime.datetime | None = None) -> QuerySet[SupportRequest]:
    """Finished requests (closed, or turned into a mission) whose retention period (``SUPPORT_REQUEST_RETENTION_DAYS``
    after closing) is over. The mission keeps no personal data: it only linked back to the request."""
    limit = (now or timezone.now()) - datetime.timedelta(days=settings.SUPPORT_REQUEST_RETENTION_DAYS)
    return SupportRequest.objects.filter(status__in=FINISHED, closed_at__lt=limit)


@transaction.atomic
def support_requests_purge(*, dry_run: bool = False) -> int:
    """Delete the closed requests past their retention period; the number deleted (or that would be)."""
    expired = support_requests_expired()
    count = expired.count()
    if not dry_run and count:
        expired.delete()
        logger.info("Deleted %d closed support requests past their retention period.", count)
    return count
