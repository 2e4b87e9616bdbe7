"""Editorial admin of missions: events, thematic groups, partner mapping and roadmap versions as inlines."""

import re

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedDjangoJqueryTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from editorial.importing import ServiceImportExportMixin
from missions import services
from missions.models import (
    EventParticipation,
    Mission,
    MissionEvent,
    MissionPartner,
    NationalProgramme,
    Roadmap,
    RoadmapAction,
    ThematicGroup,
)
from missions.resources import RoadmapActionResource
from mot_portal.admin import (
    EditorialAdmin,
    PublishedLockMixin,
    RichTextAdminMixin,
    ServiceAdminMixin,
    StatusActionsMixin,
    TranslationStatusMixin,
)
from mot_portal.facets import year_span_counts
from mot_portal.services import instance_save
from towns.models import INSEE_CODE_REGEX, Town


@admin.register(NationalProgramme)
class NationalProgrammeAdmin(TranslationStatusMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug", "run_by"]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_fr",)}


class MissionEventInline(RichTextAdminMixin, TranslationStackedInline):
    """Events of the mission; open one (“Change”) to record its participants by country."""

    model = MissionEvent
    extra = 0
    show_change_link = True
    ordering = ["position", "start_date", "pk"]
    fields = [
        ("position", "kind", "is_planned"),
        "title",
        ("start_date", "end_date", "date_precision"),
        "period_label",
        "place",
        "description",
        ("participants_total", "participants_approximate"),
    ]


class ThematicGroupInline(TranslationTabularInline):
    model = ThematicGroup
    extra = 0
    ordering = ["position", "pk"]
    fields = ["position", "name", "event", "themes"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only this mission's events can hold its groups.
        if db_field.name == "event":
            mission_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = MissionEvent.objects.filter(mission_id=mission_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MissionPartnerInline(admin.TabularInline):
    """The partner mapping: each partner's country and competence level place it in the public matrix."""

    model = MissionPartner
    extra = 0
    autocomplete_fields = ["partner"]


class RoadmapInline(admin.TabularInline):
    """Versions of the roadmap; open one (“Change”) to edit its ordered actions."""

    model = Roadmap
    extra = 0
    show_change_link = True
    fields = ["version", "date", "status", "action_count"]
    # Publication goes through the status actions of the roadmap's own page (the shared workflow).
    readonly_fields = ["status", "action_count"]
    ordering = ["-version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(action_total=Count("actions"))  # one query, not one a row

    @admin.display(description=_("actions"))
    def action_count(self, obj) -> int:
        return getattr(obj, "action_total", 0)


INSEE_CODE = re.compile(INSEE_CODE_REGEX)


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = year_span_counts(Mission.objects.values_list("first_year", "last_year"))
        return [(str(year), str(year)) for year in sorted(years, reverse=True)]

    def queryset(self, request, queryset):
        # ASCII digits only: "²".isdigit() is true, but int("²") raises.
        value = self.value()
        if value and value.isascii() and value.isdigit() and len(value) == 4:
            year = int(value)
            return queryset.filter(first_year__lte=year, last_year__gte=year)
        return queryset


class TownFilter(admin.SimpleListFilter):
    """Only the towns some mission covers (all 35,000 communes would make an unusable list)."""

    title = _("town")
    parameter_name = "town"

    def lookups(self, request, model_admin):
        towns = Town.objects.filter(missions__isnull=False).distinct().order_by("name")
        return [(town.insee_code, f"{town.name} ({town.insee_code})") for town in towns]

    def queryset(self, request, queryset):
        # A value that is no INSEE code (five characters, Corsica's 2A/2B included) filters nothing.
        value = self.value()
        if value and INSEE_CODE.fullmatch(value):
            return queryset.filter(
                Q(towns__insee_code=value) | Q(intercommunalities__towns__insee_code=value)
            ).distinct()
        return queryset


@admin.register(Mission)
class MissionAdmin(EditorialAdmin):
    preview_url_name = "missions:mission_preview"
    document_kind = "roadmap"
    english_fields = ("title", *Mission.RICH_TEXT_FIELDS)
    list_display = ["title", "kind", "progress", "first_year", "status", "english_missing", "page_link"]
    list_filter = ["kind", YearFilter, ("countries", admin.RelatedOnlyFieldListFilter), "themes", TownFilter]
    list_filter += ["progress", "status", "national_programme"]
    search_fields = ["title_fr", "title_en", "slug", "towns__name", "towns__insee_code"]
    prepopulated_fields = {"slug": ("title_fr",)}
    autocomplete_fields = ["towns", "intercommunalities", "cross_border_areas", "workplan_actions", "factsheets"]
    autocomplete_fields += ["sources"]
    filter_horizontal = ["countries", "themes", "booklets"]
    readonly_fields = ["status", "published_at", "page_link", "english_missing"]
    inlines = [MissionEventInline, ThematicGroupInline, MissionPartnerInline, RoadmapInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "national_programme", "summary"]}),
        (
            _("Progress and dates"),
            {"fields": [("progress", "progress_as_of"), ("start_date", "end_date", "date_precision")]},
        ),
        (
            _("Scope"),
            {
                "fields": [
                    "towns",
                    "intercommunalities",
                    "cross_border_areas",
                    "countries",
                    "themes",
                    "partner_count",
                ]
            },
        ),
        (_("Objectives and outcomes"), {"fields": ["objectives", "outcomes"]}),
        (_("Links"), {"fields": ["workplan_actions", "factsheets", "booklets"]}),
        (
            _("Sources"),
            {"fields": ["sources", ("first_published_on", "first_published_precision"), "source_document"]},
        ),
        (_("Publication"), {"fields": ["status", "published_at", "page_link", "english_missing"]}),
    ]

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.mission_update(mission=obj, fields=fields, **relations)
        return services.mission_create(fields=fields, **relations)


class EventParticipationInline(admin.TabularInline):
    model = EventParticipation
    extra = 0
    autocomplete_fields = ["country"]


@admin.register(MissionEvent)
class MissionEventAdmin(
    TranslationStatusMixin, PublishedLockMixin, RichTextAdminMixin, TabbedDjangoJqueryTranslationAdmin
):
    publication_parent = "mission"  # a published mission's events are changed by reviewers only

    list_display = ["title", "mission", "kind", "start_date", "period_label", "participants_total"]
    list_filter = ["kind"]
    search_fields = ["title_fr", "title_en", "mission__title_fr"]
    autocomplete_fields = ["mission"]
    inlines = [EventParticipationInline]


class RoadmapActionInline(RichTextAdminMixin, TranslationStackedInline):
    """The roadmap's actions in order; edit the position to reorder."""

    model = RoadmapAction
    extra = 0
    ordering = ["position", "pk"]
    autocomplete_fields = ["lead", "partners", "factsheets"]
    fields = [
        ("position", "progress"),
        "title",
        "description",
        ("theme", "thematic_group"),
        ("lead", "partners"),
        ("horizon", "priority", "due_date"),
        "factsheets",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the groups of the roadmap's own mission.
        if db_field.name == "thematic_group":
            roadmap_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = ThematicGroup.objects.filter(mission__roadmaps__pk=roadmap_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ThematicGroup)
class ThematicGroupAdmin(TranslationStatusMixin, PublishedLockMixin, TabbedDjangoJqueryTranslationAdmin):
    publication_parent = "mission"

    """Every mission's thematic groups in one list (their translation status); each is also edited on its
    mission's page."""

    list_display = ["name", "mission", "position"]
    search_fields = ["name_fr", "name_en", "mission__title_fr"]
    list_select_related = ["mission"]
    autocomplete_fields = ["mission", "event"]
    filter_horizontal = ["themes"]


@admin.register(Roadmap)
class RoadmapAdmin(TranslationStatusMixin, RichTextAdminMixin, StatusActionsMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["__str__", "mission", "version", "date", "status"]
    list_filter = ["status"]
    readonly_fields = ["status"]  # moved by the status actions (the shared workflow)
    search_fields = ["mission__title_fr", "mission__title_en"]
    autocomplete_fields = ["mission"]
    inlines = [RoadmapActionInline]
    actions = ["duplicate_as_new_version", *StatusActionsMixin.actions]

    @admin.action(description=_("Duplicate as a new draft version"), permissions=["add"])
    def duplicate_as_new_version(self, request, queryset):
        for roadmap in queryset:
            copy = services.roadmap_duplicate(roadmap=roadmap)
            self.message_user(
                request,
                _("%(mission)s: version %(version)d created as a draft.")
                % {"mission": copy.mission, "version": copy.version},
                messages.SUCCESS,
            )


@admin.register(RoadmapAction)
class RoadmapActionAdmin(
    TranslationStatusMixin,
    PublishedLockMixin,
    RichTextAdminMixin,
    ServiceImportExportMixin,
    ServiceAdminMixin,
    TabbedDjangoJqueryTranslationAdmin,
):
    """The actions of every roadmap in one list: their translation status (the "English missing" filter) and
    spreadsheet import and export (editorial.importing); an action is also edited with its roadmap. Saved through
    ``instance_save`` (validated, sanitised)."""

    resource_classes = [RoadmapActionResource]
    publication_parent = "roadmap"  # a published roadmap's actions are changed by reviewers only
    list_display = ["title", "roadmap", "position", "progress", "priority", "horizon", "theme"]
    list_filter = ["roadmap__mission", "progress", "priority", "horizon"]
    search_fields = ["title_fr", "title_en", "roadmap__mission__slug", "roadmap__mission__title_fr"]
    list_select_related = ["roadmap__mission", "theme"]
    autocomplete_fields = ["roadmap", "lead", "partners", "factsheets"]
    ordering = ["roadmap", "position", "pk"]

    def save_record(self, *, obj, fields, relations, change):
        return instance_save(instance=obj, fields=fields, relations=relations)
