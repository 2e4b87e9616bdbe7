"""Admin pieces shared by the apps: links to public pages and previews, the publication actions, the
translation status."""

from django.contrib import admin, messages
from django.db.models import Model
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from mot_portal.documents.admin import RenderDocumentsMixin
from mot_portal.publishing import Status, is_published, status_change_many


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


class StatusActionsMixin:
    """Actions that move the selected records through draft → in review → published, in one transaction
    (through the shared status service: publishing prepares documents, unpublishing withdraws them)."""

    actions = ["mark_draft", "mark_in_review", "mark_published"]

    def _move(self, request, queryset, status: str) -> None:
        count = status_change_many(objs=list(queryset), status=status)
        self.message_user(request, _("%(count)d record(s) updated.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Move to draft"), permissions=["change"])
    def mark_draft(self, request, queryset):
        self._move(request, queryset, Status.DRAFT)

    @admin.action(description=_("Send for review"), permissions=["change"])
    def mark_in_review(self, request, queryset):
        self._move(request, queryset, Status.IN_REVIEW)

    @admin.action(description=_("Publish"), permissions=["change"])
    def mark_published(self, request, queryset):
        self._move(request, queryset, Status.PUBLISHED)


def missing_english(obj, fields: tuple[str, ...]) -> list[str]:
    """The translated fields that have French but no English yet."""
    return [field for field in fields if getattr(obj, f"{field}_fr", None) and not getattr(obj, f"{field}_en", None)]


class EnglishMissingMixin:
    """A read-only column naming the translated fields (``english_fields``) that still lack English."""

    english_fields: tuple[str, ...]

    @admin.display(description=_("English missing"))
    def english_missing(self, obj) -> str:
        missing = missing_english(obj, self.english_fields)
        return ", ".join(str(type(obj)._meta.get_field(f).verbose_name) for f in missing) or "—"


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


class EditorialAdmin(
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
