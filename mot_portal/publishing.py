"""The publication workflow, declared once for every publishable record (factsheets, booklets, missions, roadmap
versions, work programmes): draft → in review → published.

A publishable model has a ``status`` field with these choices and, optionally, ``published_at``. Who may make which
transition is ``editorial.workflow``'s rule; every transition is logged (``editorial.WorkflowEvent``). ``status``
always means publication in this code base; where a record also has a stage of work (a mission, a roadmap
action), that field is called ``progress``.
"""

from __future__ import annotations

import reversion
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.IN_REVIEW, Status.PUBLISHED},
    Status.IN_REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.DRAFT, Status.IN_REVIEW},
}


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


def is_published(obj) -> bool:
    return getattr(obj, "status", None) == Status.PUBLISHED


PUBLICATION_FIELDS = ("status", "published_at")


def is_publishable(model) -> bool:
    """A model with the publication workflow (a ``status`` of these choices and a ``published()`` queryset)."""
    return any(f.name == "status" for f in model._meta.concrete_fields) and hasattr(model.objects, "published")


class TransitionNotAllowed(PermissionDenied):
    """The acting user may not make this transition (see ``editorial.workflow``)."""


_ACTOR = object()  # "the user of the request being served, if any"


@transaction.atomic
def status_change(*, obj: models.Model, status: str, user=_ACTOR, comment: str = "") -> models.Model:
    """Move a publishable record to ``status``; publishing sets ``published_at`` the first time, where the model
    has one. Idempotent. The save is recorded like any other change: publishing prepares the record's PDF
    documents (with ``PDF_RENDER_ON_PUBLISH``) and unpublishing withdraws them, after commit.

    ``user`` is who acts (by default the authenticated user of the request being served; ``None``: the system,
    e.g. a loader). A user may only make the transitions their role allows (``editorial.workflow``): otherwise
    ``TransitionNotAllowed`` and nothing changes. The transition is logged (``editorial.WorkflowEvent``) with
    ``comment``, in the record's history, and the people concerned are told by e-mail after commit."""
    from editorial import workflow
    from editorial.services import transition_record

    allowed = {value for value, _label in obj._meta.get_field("status").choices}
    if status not in allowed:
        raise ValueError(f"{status!r} is not a status of {obj._meta.label}")
    current = obj.status
    if current == status:
        return obj
    if status not in TRANSITIONS[current]:
        raise ValueError(f"{current} → {status} is not a transition")
    if user is _ACTOR:
        user = workflow.current_user()
    if not workflow.transition_allowed(user, current, status, obj):
        raise TransitionNotAllowed(
            _("You may not %(transition)s “%(record)s”: only a reviewer can.")
            % {"transition": workflow.transition_label(current, status).lower(), "record": obj}
        )
    obj.status = status
    if status == Status.PUBLISHED and hasattr(obj, "published_at") and obj.published_at is None:
        obj.published_at = timezone.now()
    obj.full_clean()
    with reversion.create_revision():
        obj.save()
        transition_record(obj=obj, from_status=current, to_status=status, user=user, comment=comment)
    return obj


@transaction.atomic
def status_change_many(*, objs, status: str, user=_ACTOR, comment: str = "") -> int:
    """``status_change`` for several records in one transaction, so their documents are refreshed once, after
    commit (the admin's bulk actions). All or nothing: one transition the user may not make and none is made.
    Returns how many records changed."""
    changed = 0
    for obj in objs:
        before = obj.status
        status_change(obj=obj, status=status, user=user, comment=comment)
        changed += before != obj.status
    return changed
