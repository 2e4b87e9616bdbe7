"""The publication workflow, declared once for every publishable record (factsheets, booklets, missions, roadmap
versions, work programmes): draft → in review → published.

A publishable model has a ``status`` field with these choices (or a subset: a work programme is draft or
published) and, optionally, ``published_at``. ``status`` always means publication in this code base; where a
record also has a stage of work (a mission, a roadmap action), that field is called ``progress``.
"""

from __future__ import annotations

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


@transaction.atomic
def status_change(*, obj: models.Model, status: str) -> models.Model:
    """Move a publishable record to ``status``; publishing sets ``published_at`` the first time, where the model
    has one. Idempotent. The save is recorded like any other change: publishing prepares the record's PDF
    documents (with ``PDF_RENDER_ON_PUBLISH``) and unpublishing withdraws them, after commit."""
    allowed = {value for value, _label in obj._meta.get_field("status").choices}
    if status not in allowed:
        raise ValueError(f"{status!r} is not a status of {obj._meta.label}")
    current = obj.status
    if current == status:
        return obj
    if status not in TRANSITIONS[current]:
        raise ValueError(f"{current} → {status} is not a transition")
    obj.status = status
    if status == Status.PUBLISHED and hasattr(obj, "published_at") and obj.published_at is None:
        obj.published_at = timezone.now()
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def status_change_many(*, objs, status: str) -> int:
    """``status_change`` for several records in one transaction, so their documents are refreshed once, after
    commit (the admin's bulk actions). Returns how many records changed."""
    changed = 0
    for obj in objs:
        before = obj.status
        status_change(obj=obj, status=status)
        changed += before != obj.status
    return changed
