"""Admin pieces shared by the apps: links to public pages and previews, the publication actions, the
translation status."""

from django import forms
from django.contrib import admin, messages
from django.db.models import ForeignKey, Model
from django.forms.widgets import Script
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget, ProseEditorWidget
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from editorial import translation_status
from mot_portal.documents.admin import RenderDocumentsMixin
from mot_portal.publishing import Status, is_published, status_change, status_change_many
from mot_portal.sanitize import RICH_TEXT_EXTENSIONS, removed_by_sanitiser


class PublicLinkMixin:
    """A read-only field linking a record to its public page."""

    @admin.display(description=_("public page"))
    def public_link(self, obj) -> str:
        if not obj.pk:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("View"))


class PreviewMixin:
    """Links from the admin to the page as the public will see it: the preview while unpublished."""

    preview_url_name: str

    def page_url(self, obj) -> str:
        if is_published(obj):
            return obj.get_absolute_url()
        return reverse(self.preview_url_name, kwargs={"slug": obj.slug})

    def get_view_on_site_url(self, obj=None):
        return self.page_url(obj) if obj is not None and obj.pk else None

    @admin.display(description=_("page"))
    def page_link(self, obj) -> str:
        if not obj.pk:
            return "—"
        label = _("View the public page") if is_published(obj) else _("Preview as the public will see it")
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', self.page_url(obj), label)


def published_lock(user, record) -> bool:
    """Whether ``record`` (or the publishable record it belongs to) is published and ``user`` is not a reviewer:
    then they may read it but not change or delete it (an editor's change would reach the public without review;
    a reviewer unpublishes it, or sends it back for review, first)."""
    from editorial.workflow import is_reviewer

    return record is not None and is_published(record) and not is_reviewer(user)


class PublishedLockMixin:
    """Published content is changed and deleted by reviewers only (``publication_parent``: the field naming the
    publishable record a row belongs to, e.g. a roadmap action's roadmap; empty: the record itself)."""

    publication_parent = ""

    def _publication_record(self, obj):
        return getattr(obj, self.publication_parent) if obj is not None and self.publication_parent else obj

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and not published_lock(request.user, self._publication_record(obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and not published_lock(request.user, self._publication_record(obj))


class StatusActionsMixin(PublishedLockMixin):
    """The publication workflow in the admin, the same on the edit form and in the list:

    - the edit form shows the record's status, its recent publication steps and one button per transition the
      user may make (``editorial.workflow``: editors submit, reviewers publish, unpublish and send back, with a
      comment), which saves the form and then makes the transition, in one transaction;
    - list actions move the selected records, all or none (a transition the user may not make changes nothing).

    Both go through the shared status service (``mot_portal.publishing.status_change``): publishing prepares
    documents, unpublishing withdraws them, every step is logged and told by e-mail after commit."""

    actions = ["mark_in_review", "mark_published", "mark_draft"]
    change_form_template = "admin/editorial/workflow_change_form.html"

    def has_publish_permission(self, request) -> bool:
        from editorial.workflow import is_reviewer

        return self.has_change_permission(request) and is_reviewer(request.user)

    def _move(self, request, queryset, status: str) -> None:
        from mot_portal.publishing import TransitionNotAllowed

        try:
            count = status_change_many(objs=list(queryset), status=status, user=request.user)
        except TransitionNotAllowed as exc:
            from editorial.history import revision_discard

            revision_discard()  # all or none: the records saved before the refusal were rolled back
            self.message_user(request, _("Nothing was changed: %(reason)s") % {"reason": exc}, messages.ERROR)
            return
        self.message_user(request, _("%(count)d record(s) updated.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Move back to draft (unpublish, send back)"), permissions=["change"])
    def mark_draft(self, request, queryset):
        self._move(request, queryset, Status.DRAFT)

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def mark_in_review(self, request, queryset):
        self._move(request, queryset, Status.IN_REVIEW)

    @admin.action(description=_("Publish"), permissions=["publish"])
    def mark_published(self, request, queryset):
        self._move(request, queryset, Status.PUBLISHED)

    # The edit form's buttons.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        from editorial.models import WorkflowEvent
        from editorial.workflow import transitions_for

        if obj is not None and obj.pk:
            context["workflow_transitions"] = transitions_for(request.user, obj)
            context["workflow_status"] = obj.get_status_display()
            context["workflow_events"] = list(
                WorkflowEvent.objects.filter(
                    content_type__app_label=obj._meta.app_label,
                    content_type__model=obj._meta.model_name,
                    object_id=str(obj.pk),
                ).select_related("user")[:5]
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        target = request.POST.get("_transition") if request.method == "POST" else None
        if target and object_id:
            from editorial.workflow import transitions_for

            obj = self.get_object(request, admin.utils.unquote(object_id))
            if obj is None or target not in {value for value, _label in transitions_for(request.user, obj)}:
                # Checked before anything is saved: a stale page or a forged button changes nothing.
                self.message_user(request, _("You may not make this change of status."), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        target = request.POST.get("_transition")
        if target:
            # After the record and its rows are saved, in the admin's transaction: the transition sees the edit.
            from django.core.exceptions import ValidationError
            from django.db import transaction

            try:
                with transaction.atomic():
                    status_change(
                        obj=obj, status=target, user=request.user, comment=request.POST.get("_transition_comment", "")
                    )
            except ValidationError as exc:
                message = _("Saved, but the status did not change: %(reasons)s") % {"reasons": " ".join(exc.messages)}
                self.message_user(request, message, messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            self.message_user(
                request,
                _("“%(record)s” is now: %(status)s.") % {"record": obj, "status": obj.get_status_display()},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)


def missing_english(obj, fields: tuple[str, ...] | None = None) -> list[str]:
    """The translated fields (``fields``, by default all the model's) that have French but no English yet (empty
    paragraphs and whitespace count as empty: ``editorial.translation_status``)."""
    missing = translation_status.record_missing(obj)
    return missing if fields is None else [field for field in fields if field in missing]


class EnglishMissingMixin:
    """A read-only column naming the translated fields (``english_fields``, by default all) that still lack
    English."""

    english_fields: tuple[str, ...] | None = None

    @admin.display(description=_("English missing"))
    def english_missing(self, obj) -> str:
        missing = missing_english(obj, self.english_fields)
        return ", ".join(str(type(obj)._meta.get_field(f).verbose_name) for f in missing) or "—"


class EnglishMissingFilter(admin.SimpleListFilter):
    """ "English missing": the records with at least one translated field in French and not in English (yes), or
    none (no), filtered in the database over all the model's translated fields (``editorial.translation_status``).
    ``?english=missing`` (the earlier factsheet filter's address) still means yes."""

    title = _("English missing")
    parameter_name = "english"

    def lookups(self, request, model_admin):
        return [("missing", _("Yes")), ("complete", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(translation_status.missing_q(queryset.model))
        if self.value() == "complete":
            return queryset.exclude(translation_status.missing_q(queryset.model))
        return queryset


class TranslationStatusMixin:
    """The translation status in the admin of a translated model, added to what the admin declares: a column
    "English" ("3/5": fields filled in English out of those filled in French, ✓ when complete, sortable by the
    fields missing), the "English missing" filter, and on the edit form a block naming the English fields that fall
    back to French, each of them also marked under its English tab. Computed in the list's own query."""

    translation_status_field = "english_fallbacks"

    def get_queryset(self, request):
        return translation_status.annotate_completeness(super().get_queryset(request))

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        return columns if "translation_completeness" in columns else [*columns, "translation_completeness"]

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return filters if EnglishMissingFilter in filters else [EnglishMissingFilter, *filters]  # first: in sight

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None or self.translation_status_field in fields:
            return fields
        return [*fields, self.translation_status_field]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        name = self.translation_status_field
        others = [
            (title, {**options, "fields": [f for f in options["fields"] if f != name]}) for title, options in fieldsets
        ]
        return [(_("English translation"), {"fields": [name]}), *others]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            for name in translation_status.record_missing(obj):
                field = form.base_fields.get(f"{name}_{translation_status.TARGET}")
                if field is not None:
                    note = _("Not translated: the English page shows the French text.")
                    field.help_text = format_html("<strong>{}</strong> {}", note, field.help_text or "")
        return form

    @admin.display(description=_("English"), ordering=translation_status.FIELDS_MISSING)
    def translation_completeness(self, obj) -> str:
        source = getattr(obj, translation_status.SOURCE_FILLED, None)
        target = getattr(obj, translation_status.TARGET_FILLED, None)
        if source is None:  # not from the list's queryset
            target, source = translation_status.record_completeness(obj)
        if not source:
            return "—"
        if target == source:
            return format_html('<span title="{}">✓</span>', _("complete"))
        return format_html(
            '<span title="{}">{}/{}</span>',
            _("fields filled in English / fields filled in French"),
            target,
            source,
        )

    @admin.display(description=_("English fields shown in French"))
    def english_fallbacks(self, obj) -> str:
        if obj is None or not obj.pk:
            return "—"
        missing = translation_status.record_missing(obj)
        if not missing:
            _translated, source = translation_status.record_completeness(obj)
            return _("None: every field written in French is translated.") if source else _("Nothing written yet.")
        labels = [(capfirst(translation_status.field_label(type(obj), name)),) for name in missing]
        return format_html(
            '<div><p class="english-fallbacks">{}</p><ul class="english-fallbacks">{}</ul></div>',
            _("These fields have no English yet: the English page and PDF show the French text, marked as such."),
            format_html_join("", "<li>{}</li>", labels),
        )


class ServiceAdminMixin:
    """Saves the record through its app's services (``save_record``, which calls the create or the update
    service), with its many-to-many relations; the inline rows are then saved by their formsets, in the same
    transaction (the admin's), so what the edit changes is refreshed once, after commit."""

    def save_record(self, *, obj: Model, fields: dict, relations: dict, change: bool) -> Model:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        many_to_many = {f.name for f in obj._meta.many_to_many}
        relations = {name: value for name, value in form.cleaned_data.items() if name in many_to_many}
        # The form has set its values on ``obj`` (files included); the service gets them from there.
        fields = {f.name: getattr(obj, f.name) for f in obj._meta.concrete_fields if f.name in form.cleaned_data}
        saved = self.save_record(obj=obj, fields=fields, relations=relations, change=change)
        if saved is not obj:
            obj.__dict__.update(saved.__dict__)  # the admin goes on with the form's instance (its pk, for the rows)

    def save_related(self, request, form, formsets, change):
        # The relations were set by the service (no ``form.save_m2m()``); the inline rows are saved here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


def is_rich_text(db_field) -> bool:
    """Whether ``db_field`` (a language version included: ``summary_en``) is one of its model's
    ``RICH_TEXT_FIELDS``, the fields its ``save()`` sanitises."""
    name = getattr(getattr(db_field, "translated_field", None), "name", db_field.name)
    return name in getattr(db_field.model, "RICH_TEXT_FIELDS", ())


class RichTextWidget(AdminProseEditorWidget):
    """django-prose-editor's admin widget with its translations: the editor reads ``window.gettext`` when its
    module runs (after every classic script), so its catalog, loaded here, adds to the admin's."""

    @property
    def media(self):
        return super().media + forms.Media(js=[Script(reverse_lazy("prose_editor_jsi18n"))])


def rich_text_widget() -> AdminProseEditorWidget:
    """The admin's rich-text editor, limited to what the sanitiser keeps (both come from
    ``mot_portal.sanitize.RICH_TEXT_EXTENSIONS``). Its scripts and styles ship with django-prose-editor."""
    return RichTextWidget(config={"extensions": RICH_TEXT_EXTENSIONS}, preset="configurable")


def describe_removed(removed: list[tuple[str, str]]) -> str:
    """``removed_by_sanitiser``'s findings in words: “<script>, the style attribute, the link javascript:…”."""
    words = {
        "element": lambda name: f"<{name}>",
        "attribute": lambda name: gettext("the %(name)s attribute") % {"name": name},
        "link": lambda url: gettext("the link %(url)s") % {"url": url[:80]},
        "comment": lambda _name: gettext("comments"),
    }
    return ", ".join(words[kind](name) for kind, name in removed)


class RichTextAdminMixin:
    """Every rich-text field (the model's ``RICH_TEXT_FIELDS``, in every language) edited with the editor, in the
    admin of the record and in inlines; on save, a warning names what the sanitiser removes from what was
    written (a ``<script>``, an image, a style), field by field, instead of dropping it without a word."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if is_rich_text(db_field):
            kwargs["widget"] = rich_text_widget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def warn_removed(self, request, form, prefix: str = "") -> None:
        """A warning per rich-text field of ``form`` the sanitiser will cut something from."""
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # modeltranslation may wrap it
            if not isinstance(widget, ProseEditorWidget) or not getattr(form, "cleaned_data", None):
                continue
            if removed := removed_by_sanitiser(form.cleaned_data.get(name)):
                message = gettext(
                    "%(field)s: removed %(removed)s (published text keeps only paragraphs, headings, bold, italic, "
                    "lists, links and quotes)."
                ) % {"field": f"{prefix}{field.label}", "removed": describe_removed(removed)}
                self.message_user(request, message, messages.WARNING)

    def save_model(self, request, obj, form, change):
        self.warn_removed(request, form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for number, row in enumerate(formset.forms, start=1):
            if row.has_changed() and not (formset.can_delete and formset._should_delete_form(row)):
                self.warn_removed(request, row, prefix=f"{capfirst(formset.model._meta.verbose_name)} {number} – ")
        super().save_formset(request, form, formset, change)


class RelationLabelsMixin:
    """Labels (and inline column headers) of foreign keys declared without a ``verbose_name``: the related
    model's translated name instead of the field name, which Django shows untranslated (“town” in the French
    admin)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        unnamed = not isinstance(db_field.verbose_name, Promise)  # named after the field, untranslated
        if isinstance(db_field, ForeignKey) and unnamed and "label" not in kwargs:
            kwargs["label"] = capfirst(db_field.related_model._meta.verbose_name)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PhotoPreviewMixin:
    """A read-only ``photo_preview`` shown right after the photo field: a thumbnail of the current photo (its
    resized copy when there is one), with its caption and credit beside it."""

    photo_field: str = "photo"
    photo_resized_field: str | None = None
    photo_caption_field: str | None = None
    photo_credit_field: str | None = None

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "photo_preview"]

    def get_fieldsets(self, request, obj=None):
        # Modeltranslation's fieldsets list the read-only fields last: the preview moves next to the photo.
        fieldsets = super().get_fieldsets(request, obj)
        if not any(self.photo_field in fields for _name, options in fieldsets for fields in [options["fields"]]):
            return fieldsets
        moved = []
        for name, options in fieldsets:
            fields = []
            for field in options["fields"]:
                if field != "photo_preview":
                    fields.append(field)
                if field == self.photo_field:
                    fields.append("photo_preview")
            moved.append((name, {**options, "fields": fields}))
        return moved

    @admin.display(description=_("current photo"))
    def photo_preview(self, obj) -> str:
        image = getattr(obj, self.photo_field, None) if obj is not None else None
        if not image:
            return gettext("No photo yet.")
        resized = getattr(obj, self.photo_resized_field) if self.photo_resized_field else None
        details = [
            (label, value)
            for label, attr in ((_("caption"), self.photo_caption_field), (_("credit"), self.photo_credit_field))
            if attr and (value := getattr(obj, attr))
        ]
        return format_html(
            '<div class="photo-preview" style="display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start">'
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" width="240" '
            'style="height:auto;max-width:100%;border:1px solid var(--hairline-color)"></a>'
            '<dl style="margin:0">{}</dl></div>',
            image.url,
            (resized or image).url,
            gettext("Current photo"),
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((capfirst(label), value) for label, value in details))
            or format_html("<dd>{}</dd>", gettext("No caption or credit yet.")),
        )


class EditorialAdmin(
    TranslationStatusMixin,
    RichTextAdminMixin,
    ServiceAdminMixin,
    PreviewMixin,
    StatusActionsMixin,
    EnglishMissingMixin,
    RenderDocumentsMixin,
    TabbedDjangoJqueryTranslationAdmin,
):
    """The admin of a publishable record with PDF documents (factsheets, booklets, missions): saved through its
    services, previewed, moved through the workflow, its missing English shown, its PDFs rendered."""

    actions = [*StatusActionsMixin.actions, *RenderDocumentsMixin.actions]
