"""Admin of the towns app for MOT staff: imported data is read-only, curated records are editable."""

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from editorial.importing import ServiceImportExportMixin
from mot_portal.admin import PublicLinkMixin, ServiceAdminMixin, TranslationStatusMixin
from towns import services
from towns.models import (
    Country,
    CrossBorderArea,
    DataImport,
    Department,
    Intercommunality,
    Locality,
    Partner,
    Region,
    Town,
)
from towns.resources import CrossBorderAreaResource, PartnerResource


class BorderDistanceFilter(admin.SimpleListFilter):
    title = _("distance to the border")
    parameter_name = "distance"
    bands = {
        "0-10": (0, 10),
        "10-30": (10, 30),
        "30-50": (30, 50),
        "50+": (50, None),
    }

    def lookups(self, request, model_admin):
        return [
            ("0-10", _("up to 10 km")),
            ("10-30", _("10 to 30 km")),
            ("30-50", _("30 to 50 km")),
            ("50+", _("more than 50 km")),
            ("none", _("not computed")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(border_distance_km__isnull=True)
        if value in self.bands:
            low, high = self.bands[value]
            queryset = queryset.filter(border_distance_km__gte=low)
            return queryset.filter(border_distance_km__lt=high) if high is not None else queryset
        return queryset


class PvdFilter(admin.SimpleListFilter):
    title = _("PVD laureate")
    parameter_name = "pvd"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.pvd()
        if self.value() == "no":
            return queryset.not_pvd()
        return queryset


class ImportedDataAdmin(admin.ModelAdmin):
    """Records loaded by `import_towns`: staff read them; the next import would overwrite edits."""

    def get_readonly_fields(self, request, obj=None):
        opts = self.model._meta
        imported = [f.name for f in [*opts.fields, *opts.many_to_many] if f.name != "id"]
        return imported + list(super().get_readonly_fields(request, obj))

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Country)
class CountryAdmin(TranslationStatusMixin, ServiceAdminMixin, TabbedDjangoJqueryTranslationAdmin):
    """Codes come from the import; the names are translations staff may correct (the import keeps them)."""

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.country_update(country=obj, fields=fields)
        return services.country_create(fields=fields)

    list_display = ["code", "iso3", "name", "borders_france"]
    readonly_fields = ["code", "iso3", "borders_france"]
    list_filter = ["borders_france"]
    search_fields = ["code", "iso3", "name_fr", "name_en"]


@admin.register(Region)
class RegionAdmin(ImportedDataAdmin):
    list_display = ["code", "name", "department_count"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(department_count=Count("departments"))

    @admin.display(description=_("departments"), ordering="department_count")
    def department_count(self, obj) -> int:
        return obj.department_count


@admin.register(Department)
class DepartmentAdmin(ImportedDataAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region", "border_countries"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]


class TownInline(admin.TabularInline):
    model = Town
    fields = ["insee_code", "name", "population", "pvd_id", "border_distance_km"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Intercommunality)
class IntercommunalityAdmin(PublicLinkMixin, ImportedDataAdmin):
    list_display = ["siren", "name", "kind", "population", "town_count"]
    list_filter = ["kind", "funding_mode", "towns__department__region"]
    search_fields = ["siren", "name"]
    readonly_fields = ["public_link"]
    inlines = [TownInline]


@admin.register(Town)
class TownAdmin(PublicLinkMixin, ImportedDataAdmin):
    list_display = ["insee_code", "name", "department", "population", "border_country", "border_distance_km", "pvd_id"]
    list_filter = [PvdFilter, "border_country", BorderDistanceFilter, "department__region", "department"]
    search_fields = ["insee_code", "name", "intercommunality__siren", "intercommunality__name", "pvd_id"]
    list_select_related = ["department", "border_country"]
    readonly_fields = ["public_link"]
    show_full_result_count = False
    actions = ["start_expert_diagnostic"]

    @admin.action(description=_("Start an expert diagnostic"), permissions=["add_mission"])
    def start_expert_diagnostic(self, request, queryset):
        """One draft mission of kind "diagnostic" per selected town (missions.services.mission_diagnostic_start):
        the mission's change page for one town, links to each otherwise."""
        from missions.services import mission_diagnostic_start

        missions = [mission_diagnostic_start(town=town) for town in queryset.select_related("intercommunality")]
        if len(missions) == 1:
            return redirect("admin:missions_mission_change", missions[0].pk)
        links = format_html_join(
            ", ", '<a href="{}">{}</a>', ((reverse("admin:missions_mission_change", args=[m.pk]), m) for m in missions)
        )
        self.message_user(
            request,
            format_html(_("{count} draft diagnostic missions created: {links}"), count=len(missions), links=links),
            messages.SUCCESS,
        )
        return None

    def has_add_mission_permission(self, request) -> bool:
        return request.user.has_perm("missions.add_mission")


@admin.register(Partner)
class PartnerAdmin(
    TranslationStatusMixin,
    ServiceImportExportMixin,
    ServiceAdminMixin,
    PublicLinkMixin,
    TabbedDjangoJqueryTranslationAdmin,
):
    resource_classes = [PartnerResource]  # spreadsheet import and export (editorial.importing)
    list_display = ["name", "country", "competence_level", "kind"]
    list_filter = ["country", "competence_level", "kind"]
    search_fields = ["name_fr", "name_en", "intercommunality__siren", "towns__insee_code"]
    prepopulated_fields = {"slug": ("name_fr",)}
    autocomplete_fields = ["towns", "intercommunality", "sources"]
    readonly_fields = ["public_link"]
    list_select_related = ["country"]

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.partner_update(partner=obj, fields=fields, **relations)
        return services.partner_create(fields=fields, **relations)


@admin.register(CrossBorderArea)
class CrossBorderAreaAdmin(
    TranslationStatusMixin,
    ServiceImportExportMixin,
    ServiceAdminMixin,
    PublicLinkMixin,
    TabbedDjangoJqueryTranslationAdmin,
):
    resource_classes = [CrossBorderAreaResource]  # spreadsheet import and export (editorial.importing)
    list_display = ["name", "country_codes"]
    list_filter = ["countries"]
    search_fields = ["name_fr", "name_en", "towns__insee_code"]
    prepopulated_fields = {"slug": ("name_fr",)}
    autocomplete_fields = ["towns", "sources"]
    filter_horizontal = ["countries"]
    readonly_fields = ["public_link", "map_centre"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries")

    @admin.display(description=_("centre shown on maps"))
    def map_centre(self, obj) -> str:
        centre = obj.map_centre if obj.pk else None
        if centre is None:
            return "—"
        if obj.latitude is None:
            return _("%(latitude)s, %(longitude)s (mean position of the member towns)") % {
                "latitude": centre[0],
                "longitude": centre[1],
            }
        return f"{centre[0]}, {centre[1]}"

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.area_update(area=obj, fields=fields, **relations)
        return services.area_create(fields=fields, **relations)

    @admin.display(description=_("countries"))
    def country_codes(self, obj) -> str:
        return ", ".join(c.code for c in obj.countries.all())


@admin.register(Locality)
class LocalityAdmin(ImportedDataAdmin):
    list_display = ["name", "country", "admin1", "admin2", "border_distance_km"]
    list_filter = ["country"]
    search_fields = ["name", "admin1", "admin2"]
    list_select_related = ["country"]


@admin.register(DataImport)
class DataImportAdmin(ImportedDataAdmin):
    list_display = ["dataset", "imported_at", "checksum"]
    list_filter = ["dataset"]
