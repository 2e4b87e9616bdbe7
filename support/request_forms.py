"""The "Ask the MOT for support" form: its fields, their limits, and how the town box is read without JavaScript."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from support.models import Service, SupportRequest
from towns.models import Town
from towns.search import named_exactly
from towns.selectors import town_suggestions

NEED_MAX_LENGTH = 5000
TOWN_MAX_LENGTH = 120
HOMONYMS_SHOWN = 12
# An INSEE code alone, or at the end in brackets: what picking a suggestion writes in the box ("Givet (08190)").
INSEE_ALONE = re.compile(r"^\s*((?:\d{2}|2[AaBb])\d{3})\s*$")
INSEE_IN_BRACKETS = re.compile(r"\(\s*((?:\d{2}|2[AaBb])\d{3})\s*\)\s*$")
NOT_SURE = ""


def town_label(town: Town) -> str:
    """What the town box shows for a town: its name and INSEE code, which the server reads back unambiguously."""
    return f"{town.name} ({town.insee_code})"


def town_resolve(text: str) -> Town:
    """The commune ``text`` names: an INSEE code (alone or in brackets after a name), else the only commune with
    that name (accents, capitals and hyphens aside). Raises ValidationError saying what to type otherwise."""
    match = INSEE_ALONE.match(text) or INSEE_IN_BRACKETS.search(text)
    if match:
        code = match.group(1).upper()
        town = Town.objects.select_related("department").filter(insee_code=code).first()
        if town is None:
            raise forms.ValidationError(
                _("No commune has the INSEE code %(code)s. Check the code, or type the commune's name."),
                code="unknown_code",
                params={"code": code},
            )
        return town
    found = list(named_exactly(Town.objects.select_related("department"), text).order_by("insee_code")[:50])
    if len(found) == 1:
        return found[0]
    if found:
        listed = "; ".join(
            _("%(name)s, %(department)s (%(department_code)s): INSEE code %(code)s")
            % {
                "name": t.name,
                "department": t.department.name,
                "department_code": t.department.code,
                "code": t.insee_code,
            }
            for t in found[:HOMONYMS_SHOWN]
        )
        raise forms.ValidationError(
            _("%(count)s communes are named %(name)s: %(list)s. Type the INSEE code of yours."),
            code="homonyms",
            params={"count": len(found), "name": found[0].name, "list": listed},
        )
    close = town_suggestions(query=text, limit=5)
    if close:
        raise forms.ValidationError(
            _("No commune is named “%(text)s”. Did you mean: %(suggestions)s? Type its exact name or its INSEE code."),
            code="unknown_town",
            params={"text": text, "suggestions": ", ".join(town_label(t) for t in close)},
        )
    raise forms.ValidationError(
        _("No commune is named “%(text)s”. Type the name of a French commune, or its five-character INSEE code."),
        code="unknown_town",
        params={"text": text},
    )


def service_choices() -> list:
    """The published services grouped by family, after "Not sure" (the value is the service's slug)."""
    services = Service.objects.published().order_by("family", "position", "slug")
    groups: dict[str, list] = {}
    for service in services:
        groups.setdefault(service.family, []).append((service.slug, service.title))
    families = dict(Service.Family.choices)
    return [
        (NOT_SURE, _("Not sure: let the MOT advise")),
        *[(families.get(family, family), options) for family, options in groups.items()],
    ]


phone_validator = RegexValidator(
    r"^\+?[0-9 ().\-/]{6,30}$",
    _("Enter a phone number with digits only (spaces, dots, hyphens and a leading + allowed), or leave it empty."),
    code="phone",
)


class SupportRequestForm(forms.Form):
    """The public form. Every text has a maximum length (the model's); the town box accepts a name or an INSEE
    code; ``website`` is the honeypot, hidden from people (CSS and ``aria-hidden``) and left empty by them."""

    town = forms.CharField(
        label=_("Town"),
        max_length=TOWN_MAX_LENGTH,
        help_text=_("The commune the request is about: its name or its INSEE code (e.g. Givet or 08190)."),
        error_messages={"required": _("Enter the commune the request is about.")},
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=SupportRequest._meta.get_field("organisation").max_length,
        help_text=_("E.g. the town hall, the intercommunality."),
        error_messages={"required": _("Enter your organisation.")},
    )
    role = forms.CharField(
        label=_("Your role"),
        max_length=SupportRequest._meta.get_field("role").max_length,
        help_text=_("E.g. mayor, PVD project manager."),
        error_messages={"required": _("Enter your role in the organisation.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=SupportRequest._meta.get_field("name").max_length,
        error_messages={"required": _("Enter your name.")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=SupportRequest._meta.get_field("email").max_length,
        help_text=_("The MOT answers at this address."),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the form name@example.org."),
        },
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=SupportRequest._meta.get_field("phone").max_length,
        required=False,
        validators=[phone_validator],
    )
    service = forms.ChoiceField(
        label=_("Service wanted"),
        required=False,
        help_text=_("What the MOT offers; choose “Not sure” if you do not know."),
    )
    need = forms.CharField(
        label=_("Your need"),
        max_length=NEED_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the town would like to do with its cross-border neighbours, and where it stands "
            "(at most 5,000 characters)."
        ),
        error_messages={"required": _("Describe your need in a few sentences.")},
    )
    consent = forms.BooleanField(
        label=_("I agree to be contacted by the MOT about this request."),
        error_messages={"required": _("Tick the box to agree to be contacted: the MOT needs it to answer you.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    # What browsers may fill in (https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#autofill).
    AUTOCOMPLETE = {"organisation": "organization", "role": "organization-title", "name": "name", "email": "email",
                    "phone": "tel", "town": "off", "website": "off"}  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = service_choices()
        self.fields["phone"].widget.input_type = "tel"
        for name, token in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["email"].widget.attrs["spellcheck"] = "false"
        self.fields["town"].widget.attrs["spellcheck"] = "false"
        self.fields["website"].widget.attrs["tabindex"] = "-1"
        # The town box becomes a combobox where JavaScript runs (static/js/find-town.js): picking a suggestion
        # writes "Name (INSEE code)" in the box, which town_resolve reads back.
        self.fields["town"].widget.attrs.update(
            {
                "data-suggest": "/api/v1/towns/suggest/",
                "data-suggest-fill": "insee",
                "data-suggest-pvd": _("PVD laureate"),
                "data-suggest-count": _("Suggestions: {count}"),
            }
        )
        self._describe()
        # Django's own messages, worded for this form.
        self.fields["need"].error_messages["max_length"] = _(
            "Shorten your need to at most %(limit_value)d characters (it has %(show_value)d)."
        )

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def _describe(self) -> None:
        """Each input names its help and its errors (``aria-describedby``; the template gives them these ids) and
        says when it is invalid (``aria-invalid``)."""
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            bound = self[name]
            described = [f"{bound.auto_id}_helptext"] if field.help_text or name == "consent" else []
            if name in errors:
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def clean_town(self) -> Town:
        return town_resolve(self.cleaned_data["town"])

    def clean_service(self) -> Service | None:
        slug = self.cleaned_data.get("service") or NOT_SURE
        if slug == NOT_SURE:
            return None
        return Service.objects.published().filter(slug=slug).first()

    @property
    def is_spam(self) -> bool:
        """The honeypot was filled: a robot (the caller pretends success and stores nothing)."""
        return bool(self.data.get("website", "").strip())
