"""Bulk import and export of records from spreadsheets (CSV and XLSX) in the admin, with django-import-export.

What this adds to import-export:

- **Rows go through the apps' services.** A resource reads each row into the values of the record's fields and
  relations (``import_instance``), then hands them to its service (``service_save``): the service validates,
  sanitises the rich text, sets the relations and rows (towns and partners in their roles) and records the change
  for after commit, as an edit in the admin does. Import-export never saves an instance or a many-to-many itself.
- **Atomic.** The whole file is imported in one transaction that is rolled back when any row is invalid or fails
  (the confirm step too: import-export would otherwise keep the valid rows); the dry run is that same import,
  rolled back. A file whose columns are wrong is refused before any row is read.
- **Clear errors.** Every error names the spreadsheet's row (the header is row 1, so the first record is row 2)
  and the column, e.g. "Row 4, column 'towns': unknown INSEE code 99999"; a slug (or id) repeated in the file is
  an error, not a second update.
- **Never publishes.** The publication status is exported (a draft is marked) but never imported: a new record is
  a draft, an updated one keeps its status; publication goes through the workflow.
- **History.** The confirmed import runs in a ``reversion`` revision with the user and "Imported from <file>"
  (the models registered with reversion get a version each; the others are unaffected).
- **Permissions.** Importing needs the add and change permissions of the model; exporting needs view.

Column formats (each resource documents its own columns on the import page):

- lists are separated by semicolons: ``BE; LU``;
- towns by INSEE code, with an optional role after a colon: ``57106:partner; 57108:beneficiary``;
- partners by slug (or name) with their role: ``ville-de-longwy:lead; region-grand-est:funder``;
- countries by ISO 3166-1 alpha-2 code; themes, areas, partners and factsheets by slug (or French name);
- choices (roles, levels, progress…) by their code (exported) or their label in French or English;
- dates as YYYY-MM-DD; empty cells are empty values.
"""

from __future__ import annotations

from typing import Any

import reversion
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX
from import_export.resources import Diff
from import_export.results import Error, RowResult

SEPARATOR = ";"
ROLE_SEPARATOR = ":"


# --- Widgets: one cell ⇄ values ----------------------------------------------------------------------------------


def cell(value) -> str:
    """A cell as text: XLSX gives numbers (an INSEE code typed as 57106, a year as 2021.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _items(value) -> list[str]:
    return [item.strip() for item in cell(value).split(SEPARATOR) if item.strip()]


def choice_value(choices, text: str, *, column_label: str) -> str:
    """The code of a choice given as its code or its label in French or English (case-insensitive)."""
    wanted = text.strip().casefold()
    for code, label in choices:
        names = {str(code).casefold()}
        for language in ("fr", "en"):
            with translation.override(language):
                names.add(force_str(label).casefold())
        if wanted in names:
            return code
    codes = ", ".join(str(code) for code, _label in choices if code)
    raise ValueError(
        gettext("unknown %(what)s '%(value)s' (expected one of: %(codes)s)")
        % {"what": column_label, "value": text, "codes": codes}
    )


class ChoiceWidget(widgets.Widget):
    """A choice field: exported as its code; imported from its code or its label in either language."""

    def __init__(self, choices, *, label: str, **kwargs):
        self.choices = list(choices)
        self.label = label
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell(value)
        if not text:
            return ""
        return choice_value(self.choices, text, column_label=str(self.label))

    def render(self, value, obj=None, **kwargs):
        return value or ""


class RecordWidget(widgets.Widget):
    """One record (a foreign key) by one of its ``keys`` (e.g. slug, then French name); exported by the first key.
    An unknown value is an error naming it."""

    def __init__(self, model, keys: tuple[str, ...] = ("slug", "name_fr"), *, label=None, queryset=None, **kwargs):
        self.model = model
        self.keys = keys
        self.label = label or model._meta.verbose_name
        self.queryset = queryset
        super().__init__(**kwargs)

    def get_queryset(self, row=None):
        return self.queryset if self.queryset is not None else self.model._default_manager.all()

    def lookup(self, text: str, row=None):
        queryset = self.get_queryset(row)
        for key in self.keys:
            found = list(queryset.filter(**{f"{key}__iexact" if key != "pk" else key: text})[:2])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise ValueError(
                    gettext("several %(what)s are named '%(value)s': give the slug")
                    % {"what": self.model._meta.verbose_name_plural, "value": text}
                )
        raise ValueError(gettext("unknown %(what)s '%(value)s'") % {"what": self.label, "value": text})

    def clean(self, value, row=None, **kwargs):
        text = cell(value)
        if not text:
            return None
        return self.lookup(text, row)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else cell(getattr(value, self.keys[0]))


class RecordsWidget(RecordWidget):
    """Several records (a many-to-many), separated by semicolons; exported sorted by the first key."""

    def clean(self, value, row=None, **kwargs):
        found, seen = [], set()
        for text in _items(value):
            record = self.lookup(text, row)
            if record.pk not in seen:
                seen.add(record.pk)
                found.append(record)
        return found

    def render(self, value, obj=None, **kwargs):
        records = value.all() if hasattr(value, "all") else (value or [])
        return f"{SEPARATOR} ".join(sorted(cell(getattr(record, self.keys[0])) for record in records))


class RolesWidget(widgets.Widget):
    """Records with a role: ``key:role; key:role`` (e.g. ``57106:partner; 57108:beneficiary``). ``make(record,
    role)`` builds the service's value (e.g. ``projects.services.TownRole``); ``rows`` are the model of the role
    rows (``FactsheetTown``): exported from them, sorted."""

    def __init__(self, records: RecordWidget, role_choices, *, make, role_required: bool, **kwargs):
        self.records = records
        self.role_choices = list(role_choices)
        self.make = make
        self.role_required = role_required
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        found = {}
        for item in _items(value):
            key, _colon, role = item.rpartition(ROLE_SEPARATOR) if ROLE_SEPARATOR in item else (item, "", "")
            if not key.strip():
                raise ValueError(
                    gettext("no %(what)s before the colon in '%(item)s'") % {"what": self.records.label, "item": item}
                )
            record = self.records.lookup(key.strip(), row)
            role = role.strip()
            if role:
                role = choice_value(self.role_choices, role, column_label=pgettext("import", "role"))
            elif self.role_required:
                raise ValueError(
                    gettext("no role for '%(value)s': write it after a colon, e.g. %(example)s")
                    % {"value": key.strip(), "example": f"{key.strip()}{ROLE_SEPARATOR}{self.role_choices[0][0]}"}
                )
            found[(record.pk, role)] = self.make(record, role)
        return list(found.values())

    def render(self, value, obj=None, **kwargs):
        rows = value.all() if hasattr(value, "all") else (value or [])
        attribute = self.records.model._meta.model_name
        cells = []
        for row in rows:
            record = getattr(row, attribute)
            key = cell(getattr(record, self.records.keys[0]))
            cells.append(f"{key}{ROLE_SEPARATOR}{row.role}" if row.role else key)
        return f"{SEPARATOR} ".join(sorted(cells))


class RelationField(Field):
    """A column for a relation (many-to-many or role rows): read through the record's manager, empty for a record
    not saved yet; its value goes to the service, never set on the record."""

    def get_value(self, instance):
        if instance is None or instance.pk is None:
            return []
        return super().get_value(instance)


# --- Resources ------------------------------------------------------------------------------------------------------


class DiffCells(list):
    """The preview's cells of a row, with the columns whose value changes (``changed``), named in the preview."""

    changed: list[str]


class ColumnsDiff(Diff):
    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.headers = resource.get_diff_headers()

    def as_html(self):
        cells = DiffCells(super().as_html())
        changed = [h for h, left, right in zip(self.headers, self.left, self.right, strict=False) if left != right]
        cells.changed = [] if self.new else changed
        return cells


class ImportRowError(Exception):
    pass


class ServiceResource(resources.ModelResource):
    """A resource whose rows are saved by the app's services, atomically, with errors naming row and column.

    Subclasses set ``Meta.model``, ``Meta.fields`` (the columns, in order), ``Meta.import_id_fields`` and implement
    ``service_save(instance, fields, relations, is_create)`` returning the saved record. ``relation_columns`` are the
    attributes whose values go to the service as relations (``RelationField``); ``export_only`` columns (e.g. the
    publication status) are exported and ignored on import."""

    relation_columns: tuple[str, ...] = ()
    diff_class = ColumnsDiff
    export_only: tuple[str, ...] = ()
    # Extra help shown on the import page: {column: description}.
    column_help: dict[str, Any] = {}

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False  # the services validate (full_clean) when they save
        use_transactions = True
        use_bulk = False

    # -- columns

    def column_names(self) -> list[str]:
        return [field.column_name for field in self.get_export_fields()]

    def import_columns(self) -> list[Field]:
        return [f for f in self.get_import_fields() if f.attribute and f.column_name not in self.export_only]

    def column_of(self, name: str) -> str:
        """The column a model field's error belongs to: the field's own column (``title`` for a translated field:
        its French column, the required one)."""
        for candidate in (name, f"{name}_fr"):
            for field in self.get_export_fields():
                if candidate in (field.attribute, field.column_name):
                    return field.column_name
        return name

    # -- the whole file

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # One transaction for the whole file, rolled back when any row is invalid or failed (also on the confirm
        # step, where import-export would keep the valid rows), and when the columns are wrong.
        kwargs["rollback_on_validation_errors"] = True
        self._seen_keys = {}
        problems = self.header_problems(list(dataset.headers or []))
        if problems:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            for problem in problems:
                result.append_base_error(Error(ImportRowError(problem)))
            if raise_errors:
                raise ImportRowError(problems[0])
            return result
        with transaction.atomic():
            result = super().import_data(dataset, dry_run, raise_errors, use_transactions=True, **kwargs)
            if dry_run or result.has_errors() or result.has_validation_errors():
                transaction.set_rollback(True)
                from editorial.history import revision_discard

                revision_discard()  # nothing of this file is written: no version of it either
        return result

    def header_problems(self, headers: list[str]) -> list[str]:
        known = self.column_names()
        problems = []
        blank = [position for position, header in enumerate(headers, start=1) if not cell(header)]
        if blank:
            problems.append(gettext("Column %(position)d of row 1 has no header.") % {"position": blank[0]})
        unknown = [header for header in headers if cell(header) and header not in known]
        if unknown:
            problems.append(
                gettext("Unknown columns in row 1: %(unknown)s. The columns are: %(known)s.")
                % {"unknown": ", ".join(f"'{h}'" for h in unknown), "known": ", ".join(known)}
            )
        repeated = sorted({header for header in headers if cell(header) and headers.count(header) > 1})
        if repeated:
            problems.append(gettext("Columns repeated in row 1: %(columns)s.") % {"columns": ", ".join(repeated)})
        missing = [self.fields[name].column_name for name in self.get_import_id_fields()]
        missing = [column for column in missing if column not in headers]
        if missing:
            problems.append(
                gettext("Missing column in row 1: %(columns)s (it identifies each record).")
                % {"columns": ", ".join(f"'{c}'" for c in missing)}
            )
        return problems

    # -- one row

    def get_diff_class(self):
        return self.diff_class

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs.get("row_number")
        key = tuple(cell(row.get(self.fields[name].column_name)) for name in self.get_import_id_fields())
        if any(key):
            if key in self._seen_keys:
                row_result = self.get_row_result_class()()
                row_result.import_type = RowResult.IMPORT_TYPE_INVALID
                column = self.fields[self.get_import_id_fields()[0]].column_name
                message = gettext("'%(value)s' is already on row %(row)d of this file") % {
                    "value": ", ".join(key),
                    "row": self._seen_keys[key] + 1,
                }
                row_result.validation_error = ValidationError({column: [message]})
                return row_result
            self._seen_keys[key] = number
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.sheet_row = number + 1 if number else None  # the spreadsheet's row (the header is row 1)
        if row_result.validation_error is not None:
            row_result.validation_error = self._by_column(row_result.validation_error)
        return row_result

    def _by_column(self, error: ValidationError) -> ValidationError:
        if not hasattr(error, "error_dict"):
            return ValidationError({NON_FIELD_ERRORS: error.messages})
        by_column: dict[str, list[str]] = {}
        for name, errors in error.message_dict.items():
            column = NON_FIELD_ERRORS if name == NON_FIELD_ERRORS else self.column_of(name)
            known = by_column.setdefault(column, [])
            known.extend(message for message in errors if message not in known)  # title and title_fr say the same
        return ValidationError(by_column)

    def import_instance(self, instance, row, **kwargs):
        """Read the row's cells into field values (set on ``instance``, for the preview) and relation values (kept
        for the service); every bad cell is an error of its column."""
        errors, fields, relations = {}, {}, {}
        for field in self.import_columns():
            if field.column_name not in row:
                continue  # a column left out of the file leaves the value unchanged
            try:
                value = field.clean(row, **kwargs)
            except (ValueError, TypeError, ArithmeticError) as exc:
                errors[field.column_name] = ValidationError(_cell_error(field, row, exc), code="invalid")
                continue
            if field.attribute in self.relation_columns:
                relations[field.attribute] = value
            else:
                fields[field.attribute] = value
        instance._import_values = (fields, relations)
        if errors:
            raise ValidationError(errors)
        for name, value in fields.items():
            setattr(instance, name, value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row that changes nothing is skipped (shown as such in the preview): its fields equal the record's and
        its relations render the same."""
        if import_validation_errors or original is None or original.pk is None:
            return False
        fields, relations = getattr(instance, "_import_values", ({}, {}))
        for name, value in fields.items():
            if not _same(getattr(original, name), value):
                return False
        for name, value in relations.items():
            field = next(f for f in self.import_columns() if f.attribute == name)
            if field.widget.render(field.get_value(original)) != field.widget.render(value):
                return False
        return True

    def save_instance(self, instance, is_create, row, **kwargs):
        from editorial.workflow import current_user
        from mot_portal.admin import published_lock

        user = current_user()
        if not is_create and user is not None and published_lock(user, instance):
            raise ValidationError(
                gettext("“%(record)s” is published: only a reviewer may change it.") % {"record": instance}
            )
        fields, relations = instance._import_values
        saved = self.service_save(instance, fields, relations, is_create)
        if saved is not instance:
            instance.__dict__.update(saved.__dict__)

    def save_m2m(self, instance, row, **kwargs):
        pass  # the service set the relations

    def delete_instance(self, instance, row, **kwargs):
        raise PermissionDenied  # imports never delete

    def service_save(self, instance, fields: dict, relations: dict, is_create: bool):
        raise NotImplementedError

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        raise AssertionError("rows are read by import_instance and saved by the service")


def _cell_error(field: Field, row, exc: Exception) -> str:
    """The message of a cell that could not be read: the portal's widgets say what is wrong; import-export's
    (numbers, dates) are told what was expected."""
    if isinstance(field.widget, (RecordWidget, ChoiceWidget, RolesWidget)) and isinstance(exc, ValueError):
        return force_str(exc)
    expected = {
        widgets.IntegerWidget: _("a whole number"),
        widgets.DecimalWidget: _("a number, with a point for decimals"),
        widgets.FloatWidget: _("a number, with a point for decimals"),
        widgets.DateWidget: _("a date as YYYY-MM-DD"),
        widgets.BooleanWidget: _("TRUE or FALSE"),
    }.get(type(field.widget), _("a value of this column"))
    return gettext("'%(value)s' cannot be read: expected %(expected)s") % {
        "value": cell(row.get(field.column_name)),
        "expected": expected,
    }


def _model_help(resource, field: Field) -> str:
    """A column's help from its model field: the field's help text, and its language for a translated field."""
    try:
        model_field = resource._meta.model._meta.get_field(field.attribute)
    except Exception:
        return ""
    text = force_str(model_field.help_text)
    language = getattr(model_field, "language", None)
    if language:
        names = {"fr": _("in French"), "en": _("in English")}
        text = gettext("%(help)s (%(language)s)") % {"help": text, "language": names.get(language, language)}
    return text


def _same(current, new) -> bool:
    if current in (None, "") and new in (None, ""):
        return True
    if isinstance(current, models.Model) or isinstance(new, models.Model):
        return getattr(current, "pk", None) == getattr(new, "pk", None)
    return current == new


# --- Admin ----------------------------------------------------------------------------------------------------------


class _ImportRefused(Exception):
    def __init__(self, result):
        self.result = result


class ServiceImportExportMixin(ImportExportMixin):
    """Import and export in a model's admin: CSV and XLSX; CSV written in UTF-8 with a byte-order mark (Excel reads
    the accents); importing needs the add and change permissions, exporting the view permission; the confirmed
    import is one revision (user, "Imported from <file>") and refused as a whole when a row fails."""

    formats = [CSV, XLSX]
    from_encoding = "utf-8-sig"  # a BOM, if any, is not part of the first header
    to_encoding = "utf-8-sig"
    import_template_name = "admin/editorial/import.html"
    import_error_display = ("message",)

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeError):
            message = _(
                "The file is not text in UTF-8: save it from your spreadsheet as “CSV UTF-8” or as an Excel workbook "
                "(XLSX), then import it again. Nothing was imported."
            )
        else:
            message = _(
                "The file could not be read as a spreadsheet of the chosen format (CSV or XLSX). Check the format "
                "and the file, then import it again. Nothing was imported."
            )
        form.add_error("import_file", message)

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        resource = self.resource_classes[0]()
        context["column_help"] = [
            (field.column_name, resource.column_help.get(field.column_name) or _model_help(resource, field))
            for field in resource.get_export_fields()
        ]
        return context

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        file_name = request.POST.get("original_file_name", "")
        try:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(gettext("Imported from %(file)s") % {"file": file_name})
                response = super().process_import(request, **kwargs)
        except _ImportRefused as refused:
            context = self.admin_site.each_context(request)
            context.update(
                {
                    "title": _("Import"),
                    "opts": self.model._meta,
                    "result": refused.result,
                    "form": self.create_import_form(request),
                    "import_error_display": self.import_error_display,
                    "refused": True,
                }
            )
            return TemplateResponse(request, [self.import_template_name], context)
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            raise _ImportRefused(result)  # rolls the revision and the import back
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            gettext("Import finished: %(new)d created, %(update)d updated, %(skip)d unchanged.")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skip": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )
