"""Admin of the work programme: the programme with its axes, each node with the items under it."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin, TranslationTabularInline

from mot_portal.admin import PublicLinkMixin, PublishedLockMixin, StatusActionsMixin, TranslationStatusMixin
from mot_portal.documents.admin import RenderDocumentsMixin
from workplan.models import DealTheme, Programme, TransversalTheme, WorkItem


class ChildForm(forms.ModelForm):
    """A row under a node: an activity line may leave its code empty, it takes its node's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            self.fields["code"].required = False

    def clean(self):
        cleaned = super().clean()
        parent = self.instance.parent if self.instance.parent_id else None
        if not cleaned.get("code") and parent is not None and cleaned.get("kind") == WorkItem.Kind.LINE:
            cleaned["code"] = parent.code
        return cleaned


class ChildInline(TranslationTabularInline):
    """The items right under a node, in order; edit ``position`` to reorder. The programme comes from
    the parent (``WorkItem.clean``), and a line takes its node's code when left empty."""

    model = WorkItem
    form = ChildForm
    fk_name = "parent"
    fields = ["position", "kind", "code", "text", "is_token", "deal_themes", "transversal_themes"]
    extra = 0
    ordering = ["position"]
    show_change_link = True
    verbose_name = _("item below")
    verbose_name_plural = _("items below (edit the position to reorder)")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deal_themes", "transversal_themes")


class AxisForm(ChildForm):
    """A row of the programme's axes: its kind is fixed before the model validates it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = WorkItem.Kind.AXIS


class AxisInline(ChildInline):
    form = AxisForm
    fk_name = "programme"
    fields = ["position", "code", "text", "is_token", "deal_themes", "transversal_themes"]
    verbose_name = _("axis")
    verbose_name_plural = _("axes (edit the position to reorder)")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=WorkItem.Kind.AXIS)


@admin.register(Programme)
class ProgrammeAdmin(
    TranslationStatusMixin,
    StatusActionsMixin,
    PublicLinkMixin,
    RenderDocumentsMixin,
    TabbedDjangoJqueryTranslationAdmin,
):
    list_display = ["year", "title", "as_of", "status", "item_count"]
    list_filter = ["status"]
    search_fields = ["title_fr", "title_en", "year"]
    readonly_fields = ["status", "public_link"]  # published and withdrawn by the actions (the publication service)
    autocomplete_fields = ["sources"]
    inlines = [AxisInline]
    actions = ["mark_in_review", "publish", "unpublish", *RenderDocumentsMixin.actions]
    document_kind = "programme"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("items"), ordering="item_count")
    def item_count(self, obj) -> int:
        return obj.item_count

    # The shared workflow's actions (StatusActionsMixin), under the names they had.
    @admin.action(description=_("Publish the selected programmes"), permissions=["publish"])
    def publish(self, request, queryset):
        self._move(request, queryset, Programme.Status.PUBLISHED)

    @admin.action(description=_("Unpublish the selected programmes"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._move(request, queryset, Programme.Status.DRAFT)


class ProgrammeYearFilter(admin.SimpleListFilter):
    title = _("programme")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in Programme.objects.values_list("year", flat=True)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit() and len(value) == 4:
            return queryset.filter(programme__year=int(value))
        return queryset


@admin.register(WorkItem)
class WorkItemAdmin(TranslationStatusMixin, PublishedLockMixin, PublicLinkMixin, TabbedDjangoJqueryTranslationAdmin):
    publication_parent = "programme"  # a published programme's items are changed by reviewers only

    list_display = ["code", "kind", "short_text", "is_token", "programme"]
    list_filter = [ProgrammeYearFilter, "kind", "is_token", "deal_themes", "transversal_themes"]
    search_fields = ["code", "text_fr", "text_en"]
    list_select_related = ["programme"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["deal_themes", "transversal_themes"]
    readonly_fields = ["public_link"]
    inlines = [ChildInline]
    ordering = ["-programme__year", "position"]

    @admin.display(description=_("text"))
    def short_text(self, obj) -> str:
        return obj.text[:100]


class ThemeAdmin(TranslationStatusMixin, PublicLinkMixin, TabbedDjangoJqueryTranslationAdmin):
    readonly_fields = ["public_link", "item_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("items referring to it"), ordering="item_count")
    def item_count(self, obj) -> int:
        return obj.item_count


@admin.register(DealTheme)
class DealThemeAdmin(ThemeAdmin):
    list_display = ["number", "name", "item_count"]
    search_fields = ["name_fr", "name_en"]


@admin.register(TransversalTheme)
class TransversalThemeAdmin(ThemeAdmin):
    list_display = ["name", "slug", "item_count"]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_fr",)}
