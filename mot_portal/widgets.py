"""Form widgets of the public filter forms, rendered without the template engine.

Django renders a ``<select>`` through one template per option; on the towns page (a hundred departments, regions,
countries, sort orders) that was the largest cost of the page. ``FastSelect`` builds the same HTML from the same
context (``Select.get_context``) with plain string joins; ``fast_selects(form)`` gives a form's single selects
that renderer. A test checks the HTML is the one Django's templates produce.
"""

from __future__ import annotations

import functools

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"')
    return "".join(parts)


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        lines = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                lines.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                lines.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                lines.append("\n  </optgroup>")
        lines.append("\n</select>")
        # Every piece above is escaped: the join is safe.
        return mark_safe("".join(lines))


class _ReadOnce(BaseChoiceIterator):
    """Choices computed on first use and kept (a widget iterates its choices more than once per rendering)."""

    def __init__(self, compute):
        self.compute, self.value = compute, None

    def __iter__(self):
        if self.value is None:
            self.value = self.compute()
        return iter(self.value)


def _model_choices(field: forms.ModelChoiceField, key: str) -> list[tuple[str, str]]:
    from mot_portal.cache import cached_per_version

    return cached_per_version(
        key,
        [field.queryset.model._meta.label_lower],
        lambda: [(str(value), str(label)) for value, label in field.choices],
    )


def fast_selects(form: forms.Form) -> forms.Form:
    """Render the single-choice selects of ``form`` with ``FastSelect`` (same HTML, no template per option). The
    options of a model choice (departments, regions, countries) are read once per content version of their model
    and language, not on every page: validation still uses the field's queryset."""
    prefix = f"choices:{type(form).__module__}.{type(form).__qualname__}"
    for name, field in form.fields.items():
        if type(field.widget) is not forms.Select:
            continue
        field.widget.__class__ = FastSelect
        if isinstance(field, forms.ModelChoiceField):
            # Read when the select is rendered, never for a form that is not (e.g. a facet's), and once per form.
            field.widget.choices = _ReadOnce(functools.partial(_model_choices, field, f"{prefix}.{name}"))
    return form
