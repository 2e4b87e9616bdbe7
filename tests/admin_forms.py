"""The POST data of an admin change form, as a browser would send it unchanged (main form and inline formsets):
tests (and the invalidation benchmark) change what they need and post it back."""

from django import forms
from django.db.models import Model


def _encode(value):
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, list | tuple) or (hasattr(value, "__iter__") and not isinstance(value, str)):
        return [str(v.pk if isinstance(v, Model) else v) for v in value]
    return str(value)


def admin_form_data(response) -> dict:
    """``response`` is the GET of an admin add or change page (its template context is recorded)."""
    data: dict = {}

    def add_form(form) -> None:
        for name in form.fields:
            bound = form[name]
            if isinstance(bound.field, forms.FileField):
                continue  # an empty file input keeps the stored file
            value = _encode(bound.value())
            if value is not None:
                data[bound.html_name] = value

    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add_form(inline.formset.management_form)
        for form in inline.formset.forms:
            add_form(form)
    return data


def inline_prefix(response, model) -> str:
    """The form prefix of the inline of ``model`` on an admin page."""
    return next(i.formset.prefix for i in response.context["inline_admin_formsets"] if i.formset.model is model)
