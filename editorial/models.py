"""The review workflow's log: every publication transition of a publishable record (who, when, from, to, the
reviewer's comment). It names the author of a submission (to notify them) and feeds the history pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from mot_portal.publishing import Status


class WorkflowEvent(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("record type"))
    object_id = models.CharField(_("record"), max_length=64, db_index=True)
    object_repr = models.CharField(_("record name"), max_length=300)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("publication step")
        verbose_name_plural = _("publication steps")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        permissions = [
            # Reviewers: publish, unpublish and send back what editors submit (see editorial.workflow).
            ("publish_content", _("Can publish, unpublish and send back content")),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.from_status} → {self.to_status}"
