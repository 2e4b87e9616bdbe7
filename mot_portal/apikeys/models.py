"""API keys of the consumers of the public API (other systems reading it in bulk): staff issue them in the admin,
each with its own request rate. A key only lifts the read rate: it never signs a request in as a user."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

# DRF's rate syntax (rest_framework.throttling.SimpleRateThrottle.parse_rate reads the first letter of the period).
RATE = re.compile(r"[1-9][0-9]{0,6}/(s|sec|second|m|min|minute|h|hour|d|day)")


def default_rate() -> str:
    return settings.API_KEY_DEFAULT_RATE


def validate_rate(value: str) -> None:
    if not RATE.fullmatch(value):
        raise ValidationError(
            _("Write a number of requests, a slash and second, minute, hour or day, e.g. 600/minute."), code="rate"
        )


class ConsumerKey(AbstractAPIKey):
    # The library's fields, with translated labels.
    prefix = models.CharField(_("prefix"), max_length=8, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    name = models.CharField(
        _("consumer"), max_length=50, help_text=_("Who uses the key: organisation and application.")
    )
    revoked = models.BooleanField(
        _("revoked"), blank=True, default=False, help_text=_("A revoked key is refused. This cannot be undone.")
    )
    expiry_date = models.DateTimeField(
        _("expires"), blank=True, null=True, help_text=_("After this date the key is refused. Empty: never.")
    )
    rate = models.CharField(
        _("rate"),
        max_length=20,
        default=default_rate,
        validators=[validate_rate],
        help_text=_("Requests allowed to this key, e.g. 600/minute or 20000/day."),
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
