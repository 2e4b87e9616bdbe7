"""The differences between two versions of a record, field by field, readable by staff: translated field names,
both languages side by side, names instead of ids, labels instead of choice values, text compared word by word,
and the rows that are part of the record (a factsheet's towns and partners). Everything is escaped here: values
are user content."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.html import escape, format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from editorial.history import IGNORED_FIELDS, language_name, translated_fields

EMPTY = "—"
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote)>|<br\s*/?>", re.IGNORECASE)
_WORDS = re.compile(r"\s*\S+\s*|\s+")  # words with their spaces: differences read as whole words


@dataclass
class Cell:
    html: SafeString
    changed: bool
    lang: str = ""
    language: str = ""


@dataclass
class Row:
    label: str
    cells: list[Cell]  # one per language for a translated field, else one
    translated: bool = False
    changed: bool = False


@dataclass
class Diff:
    rows: list[Row] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)  # (code, name)

    @property
    def changed_rows(self) -> list[Row]:
        return [row for row in self.rows if row.changed]


def plain_text(html: str) -> str:
    """The text of a rich-text value, a line per block."""
    text = _BLOCK_END.sub("\n", html or "")
    text = strip_tags(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def words_diff(old: str, new: str) -> SafeString:
    """``new`` compared word by word with ``old``: removed words in <del>, added ones in <ins>, all escaped."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return mark_safe("".join(str(piece) for piece in pieces).replace("\n", "<br>"))


def _value_text(field, value, names: dict) -> str:
    if value is None or value == "":
        return ""
    if isinstance(field, models.ManyToManyField):
        return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in value or ()))
    if field.is_relation:
        return names.get(value, _("%(id)s (deleted)") % {"id": value})
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateTimeField):
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(field, models.TextField):
        return plain_text(str(value))
    if isinstance(field, models.JSONField):
        return _("(geometry or data)") if value else ""
    return str(value)


def _cell(field, old, new, names: dict) -> Cell:
    old_text, new_text = _value_text(field, old, names), _value_text(field, new, names)
    changed = old_text != new_text
    if not changed:
        return Cell(html=escape(new_text or EMPTY), changed=False)
    if isinstance(field, models.TextField) and old_text and new_text:
        return Cell(html=words_diff(old_text, new_text), changed=True)
    if isinstance(field, models.ManyToManyField):
        before = {names.get(pk, f"#{pk}") for pk in old or ()}
        after = {names.get(pk, f"#{pk}") for pk in new or ()}
        return Cell(html=_set_diff(before, after), changed=True)
    html = format_html("<del>{}</del> <ins>{}</ins>", old_text or EMPTY, new_text or EMPTY)
    return Cell(html=html, changed=True)


def _set_diff(before: set[str], after: set[str]) -> SafeString:
    items = [("del", text) for text in sorted(before - after)] + [("ins", text) for text in sorted(after - before)]
    items += [("span", text) for text in sorted(before & after)]
    if not items:
        return escape(EMPTY)
    return format_html(
        '<ul class="history-set">{}</ul>',
        format_html_join("", "<li><{}>{}</{}></li>", ((tag, text, tag) for tag, text in items)),
    )


def _names_for(model, dicts: list[dict]) -> dict[str, dict]:
    """For each relation field, the names of the records the versions point to (one query per relation)."""
    names: dict[str, dict] = {}
    for f in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if not f.is_relation:
            continue
        ids = set()
        for data in dicts:
            value = data.get(f.attname)
            if isinstance(f, models.ManyToManyField):
                ids.update(value or ())
            elif value is not None:
                ids.add(value)
        if ids:
            records = f.related_model._default_manager.in_bulk(list(ids))
            names[f.attname] = {pk: str(record) for pk, record in records.items()}
    return names


def compared_fields(model, field_dict: dict):
    """(label, [columns], translated) for each field shown, in the model's order."""
    translated = translated_fields(model)
    columns_of = {column: base for base, columns in translated.items() for column in columns}
    seen = set()
    for f in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if f.name in IGNORED_FIELDS or f.primary_key or f.attname not in field_dict:
            continue
        if f.name in translated:
            continue  # the base column modeltranslation keeps: its languages are shown instead
        if f.name in columns_of:
            base = columns_of[f.name]
            if base in seen:
                continue
            seen.add(base)
            yield str(capfirst(model._meta.get_field(base).verbose_name)), translated[base], True
        else:
            yield str(capfirst(f.verbose_name)), [f.name], False


def record_diff(model, old: dict, new: dict) -> Diff:
    diff = Diff(languages=[(code, capfirst(language_name(code))) for code, _label in settings.LANGUAGES])
    names = _names_for(model, [old, new])
    for label, columns, translated in compared_fields(model, new):
        cells = []
        for column in columns:
            f = model._meta.get_field(column)
            cell = _cell(f, old.get(f.attname), new.get(f.attname), names.get(f.attname, {}))
            if translated:
                cell.lang = column.rsplit("_", 1)[1]
                cell.language = language_name(cell.lang)
            cells.append(cell)
        diff.rows.append(Row(label=label, cells=cells, translated=translated, changed=any(c.changed for c in cells)))
    return diff


def part_text(model, data: dict, owner_field: str, names: dict) -> str:
    """A row of a record in words (“Besançon — Partner”), from its version."""
    parts = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name == owner_field or f.attname not in data:
            continue
        text = _value_text(f, data[f.attname], names.get(f.attname, {}))
        if text:
            parts.append(text if not isinstance(f, models.TextField) else text[:80])
    return " — ".join(parts)


def parts_row(label: str, model, owner_field: str, old_rows: list[dict], new_rows: list[dict]) -> Row:
    names = _names_for(model, [*old_rows, *new_rows])
    before = {part_text(model, row, owner_field, names) for row in old_rows}
    after = {part_text(model, row, owner_field, names) for row in new_rows}
    return Row(
        label=label, cells=[Cell(html=_set_diff(before, after), changed=before != after)], changed=before != after
    )
