"""Support missions and roadmaps in the API (read-only: staff edit them in the admin). The public sees
published missions and their published roadmap versions; staff holding the view permission also see drafts."""

from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from editorial.api import CitationField, SourcesField
from missions import selectors
from missions.filters import MissionFilter, RoadmapFilter
from missions.maps import mission_points
from missions.models import (
    EventParticipation,
    Mission,
    MissionEvent,
    MissionPartner,
    Roadmap,
    RoadmapAction,
    ThematicGroup,
)
from mot_portal.api import LanguageMixin
from mot_portal.documents.api import DocumentActionMixin
from mot_portal.exports import ExportInfo, ExportMixin, points
from mot_portal.maps_api import MapLayerView
from mot_portal.publishing import Status
from mot_portal.rest import SLUG_REGEX, CodeListField, absolute_url, can_see_drafts
from mot_portal.rest import translated_field as _text
from projects.models import Factsheet
from support.selectors import retired_mission_service
from towns.models import Partner


def _described_as(model, name: str) -> dict:
    """The label and help text of a model field, for a serializer field that exposes it under another name."""
    field = model._meta.get_field(name)
    return {"label": capfirst(field.verbose_name), "help_text": field.help_text}


def _slugs(help_text: str, **kwargs) -> serializers.Field:
    if "source" in kwargs:
        return CodeListField(help_text=help_text, **kwargs)
    return serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True, help_text=help_text, **kwargs)


class MissionTownSerializer(serializers.Serializer):
    insee_code = _text("INSEE code of the town.")
    name = _text("Name of the town.")


class MissionIntercommunalitySerializer(serializers.Serializer):
    siren = _text("SIREN of the intercommunality (EPCI).")
    name = _text("Name of the intercommunality.")


class MissionAreaSerializer(serializers.Serializer):
    slug = _text("Slug of the cross-border area.")
    name = _text("Name in the requested language.")


class EventParticipationSerializer(serializers.ModelSerializer):
    country = _text("ISO alpha-2 code of the country.", source="country.code")
    count = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Participants from it; null if unknown."
    )

    class Meta:
        model = EventParticipation
        fields = ["country", "count"]


class MissionEventSerializer(serializers.ModelSerializer):
    title = _text("Title in the requested language.")
    period_label = _text("Period as the source words it, when only a period is known.")
    place = _text("Place, in the requested language.")
    description = _text("Description (sanitised HTML), in the requested language.")
    participants_by_country = EventParticipationSerializer(
        source="participations_list", many=True, read_only=True, help_text="Participants counted by country."
    )

    class Meta:
        model = MissionEvent
        fields = [
            "kind",
            "title",
            "title_fr",
            "title_en",
            "start_date",
            "end_date",
            "date_precision",
            "period_label",
            "is_planned",
            "place",
            "description",
            "participants_total",
            "participants_approximate",
            "participants_by_country",
        ]


class ThematicGroupSerializer(serializers.ModelSerializer):
    name = _text("Name in the requested language.")
    themes = _slugs("Slugs of the group's themes.", source="themes_list")
    id = serializers.IntegerField(read_only=True, help_text="Identifier of the group (see roadmap actions).")
    event = serializers.SerializerMethodField(help_text="Position (1-based) in `events` of the group's event, or null.")

    class Meta:
        model = ThematicGroup
        fields = ["id", "name", "name_fr", "name_en", "themes", "event"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_event(self, group: ThematicGroup) -> int | None:
        events = self.context.get("event_positions", {})
        return events.get(group.event_id)


class MatrixPartnerSerializer(serializers.ModelSerializer):
    slug = _text("Slug of the partner.", source="partner.slug")
    name = _text("Name in the requested language.", source="partner.name")
    role = _text("Role in the mission: beneficiary, commissioner, support, contributor or partner.")

    class Meta:
        model = MissionPartner
        fields = ["slug", "name", "role"]


class MatrixCellSerializer(serializers.Serializer):
    country = _text("ISO alpha-2 code of the country (column).")
    competence_level = _text("Competence level (row).")
    partners = MatrixPartnerSerializer(many=True, read_only=True, help_text="Partners in the cell (may be empty).")


class PartnerMatrixSerializer(serializers.Serializer):
    countries = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Columns: France first, then the other countries."
    )
    competence_levels = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Rows: the competence levels, from municipal up."
    )
    cells = MatrixCellSerializer(many=True, read_only=True, help_text="Every country × level cell, empty or not.")


class ActionPartnerSerializer(serializers.ModelSerializer):
    name = _text("Name in the requested language.")
    country = _text("ISO alpha-2 code of the partner's country.", source="country.code")

    class Meta:
        model = Partner
        fields = ["slug", "name", "country"]


class RoadmapActionSerializer(serializers.ModelSerializer):
    title = _text("Title in the requested language.")
    description = _text("Description (sanitised HTML) in the requested language.")
    theme = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of the theme, or null."
    )
    thematic_group = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="Id of the mission's thematic group (see `thematic_groups`), or null.",
    )
    lead = ActionPartnerSerializer(read_only=True, allow_null=True, help_text="Lead organisation, or null.")
    partners = ActionPartnerSerializer(many=True, read_only=True, help_text="Other organisations taking part.")
    factsheets = _slugs("Slugs of the related (published) factsheets.")
    # The action's progress, under the name the API has always given it.
    status = serializers.ChoiceField(
        source="progress",
        choices=RoadmapAction.Progress.choices,
        required=False,
        **_described_as(RoadmapAction, "progress"),
    )

    class Meta:
        model = RoadmapAction
        fields = [
            "position",
            "title",
            "title_fr",
            "title_en",
            "description",
            "description_fr",
            "description_en",
            "theme",
            "thematic_group",
            "lead",
            "partners",
            "horizon",
            "priority",
            "status",
            "due_date",
            "factsheets",
        ]


class RoadmapSummarySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        read_only=True, help_text="Identifier of the roadmap version (/api/v1/roadmaps/{id}/)."
    )
    summary = _text("Summary (sanitised HTML) in the requested language.")
    url = serializers.SerializerMethodField(help_text="API address of the roadmap with its actions.")
    is_current = serializers.SerializerMethodField(help_text="Whether this is the latest version the reader sees.")

    class Meta:
        model = Roadmap
        fields = ["id", "version", "date", "status", "summary", "summary_fr", "summary_en", "is_current", "url"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, roadmap: Roadmap) -> str:
        return absolute_url(self, reverse("roadmap-detail", kwargs={"pk": roadmap.pk}))

    @extend_schema_field(serializers.BooleanField())
    def get_is_current(self, roadmap: Roadmap) -> bool:
        if hasattr(roadmap, "current_version"):  # annotated by RoadmapViewSet
            return roadmap.version == roadmap.current_version
        return roadmap.pk == self.context.get("current_roadmaps", {}).get(roadmap.mission_id)


class RoadmapSerializer(RoadmapSummarySerializer):
    mission = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="Slug of the mission.")
    actions = RoadmapActionSerializer(many=True, read_only=True, help_text="The actions, in the roadmap's order.")

    class Meta(RoadmapSummarySerializer.Meta):
        fields = [*RoadmapSummarySerializer.Meta.fields, "mission", "actions"]


class MissionSerializer(serializers.ModelSerializer):
    source_document = CitationField(read_only=True)
    sources = SourcesField()
    title = _text("Title in the requested language.")
    summary = _text("Summary (sanitised HTML) in the requested language.")
    objectives = _text("Objectives (sanitised HTML) in the requested language.")
    outcomes = _text("Outcomes (sanitised HTML) in the requested language.")
    national_programme = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of the national programme served, or null."
    )
    # Progress and publication, under the names the API has always given them.
    status = serializers.ChoiceField(
        source="progress",
        choices=Mission.Progress.choices,
        allow_blank=True,
        read_only=True,
        help_text="Progress: planned, in_progress, completed, cancelled, or empty when no source says.",
    )
    status_as_of = serializers.DateField(
        source="progress_as_of", allow_null=True, required=False, **_described_as(Mission, "progress_as_of")
    )
    publication_status = serializers.ChoiceField(
        source="status", choices=Status.choices, required=False, **_described_as(Mission, "status")
    )
    towns = MissionTownSerializer(
        source="towns_list", many=True, read_only=True, help_text="Towns covered (INSEE code and name)."
    )
    intercommunalities = MissionIntercommunalitySerializer(
        source="intercommunalities_list", many=True, read_only=True, help_text="EPCI covered."
    )
    cross_border_areas = MissionAreaSerializer(
        source="cross_border_areas_list", many=True, read_only=True, help_text="Cross-border areas covered."
    )
    countries = CodeListField(
        source="countries_list", attribute="code", help_text="ISO alpha-2 codes of the neighbouring countries."
    )
    themes = _slugs("Slugs of the themes.", source="themes_list")
    workplan_actions = serializers.SerializerMethodField(help_text="Codes of the work-programme actions implemented.")
    workplan_action_details = serializers.SerializerMethodField(
        help_text="The same actions with their programme year, title and page."
    )
    factsheets = _slugs("Slugs of the related (published) factsheets.", source="factsheets_list")
    booklets = _slugs("Slugs of the related (published) booklets.", source="booklets_list")
    events = MissionEventSerializer(
        source="events_list", many=True, read_only=True, help_text="Events in timeline order."
    )
    thematic_groups = serializers.SerializerMethodField(help_text="Thematic groups of the workshops.")
    partner_matrix = serializers.SerializerMethodField(help_text="Partners by country and competence level.")
    roadmaps = serializers.SerializerMethodField(help_text="Roadmap versions, latest first (see `url`).")
    url = serializers.SerializerMethodField(help_text="Public page of the mission.")

    class Meta:
        model = Mission
        fields = [
            "slug",
            "title",
            "title_fr",
            "title_en",
            "kind",
            "national_programme",
            "status",
            "status_as_of",
            "start_date",
            "end_date",
            "date_precision",
            "first_year",
            "last_year",
            "towns",
            "intercommunalities",
            "cross_border_areas",
            "countries",
            "themes",
            *(f"{name}{suffix}" for name in ("summary", "objectives", "outcomes") for suffix in ("", "_fr", "_en")),
            "partner_count",
            "workplan_actions",
            "workplan_action_details",
            "factsheets",
            "booklets",
            "events",
            "thematic_groups",
            "partner_matrix",
            "roadmaps",
            "source_document",
            "sources",
            "first_published_on",
            "first_published_precision",
            "publication_status",
            "published_at",
            "updated_at",
            "url",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_workplan_actions(self, mission: Mission) -> list[str]:
        return [item.code for item in selectors.related(mission, "workplan_actions")]

    @extend_schema_field(
        serializers.ListField(child=serializers.DictField(), help_text="{year, code, title, url} per action.")
    )
    def get_workplan_action_details(self, mission: Mission) -> list[dict]:
        return [
            {
                "year": item.programme.year,
                "code": item.code,
                "title": item.text,
                "url": absolute_url(self, item.get_absolute_url()),
            }
            for item in selectors.related(mission, "workplan_actions")
        ]

    @extend_schema_field(ThematicGroupSerializer(many=True))
    def get_thematic_groups(self, mission: Mission) -> list[dict]:
        positions = {event.pk: n for n, event in enumerate(selectors.related(mission, "events"), start=1)}
        context = {**self.context, "event_positions": positions}
        groups = selectors.related(mission, "thematic_groups")
        return ThematicGroupSerializer(groups, many=True, context=context).data

    @extend_schema_field(PartnerMatrixSerializer)
    def get_partner_matrix(self, mission: Mission) -> dict:
        context = self.context
        if "france" not in context:  # once per response, shared by every record of a page
            context["france"] = selectors.france()
        matrix = selectors.partner_matrix(mission, france=context["france"])
        # Plain dicts (the shape PartnerMatrixSerializer documents): a serializer per cell costs more than
        # the rest of the record.
        cells = [
            {
                "country": country.code,
                "competence_level": row.level,
                "partners": [{"slug": r.partner.slug, "name": r.partner.name, "role": r.role} for r in cell],
            }
            for row in matrix.rows
            for country, cell in zip(matrix.countries, row.cells, strict=True)
        ]
        return {
            "countries": [c.code for c in matrix.countries],
            "competence_levels": [row.level for row in matrix.rows],
            "cells": cells,
        }

    @extend_schema_field(RoadmapSummarySerializer(many=True))
    def get_roadmaps(self, mission: Mission) -> list[dict]:
        roadmaps = selectors.related(mission, "roadmaps")
        context = {**self.context, "current_roadmaps": {mission.pk: roadmaps[0].pk if roadmaps else None}}
        return RoadmapSummarySerializer(roadmaps, many=True, context=context).data

    @extend_schema_field(serializers.URLField())
    def get_url(self, mission: Mission) -> str:
        return absolute_url(self, mission.get_absolute_url())


MISSIONS_EXPORT = ExportInfo(
    slug="missions",
    title=gettext_lazy("Support missions"),
    description=gettext_lazy(
        "The published support missions of the MOT: kind, progress, dates, the towns, intercommunalities, "
        "cross-border areas and countries covered, themes, events, thematic groups, partners and roadmaps."
    ),
    keywords=("missions", "accompagnement", "transfrontalier"),
    modified=lambda: Mission.objects.published().aggregate(last=Max("updated_at"))["last"],
    page="missions:mission_list",
    geometry=gettext_lazy(
        "Point or MultiPoint: the centroids of the towns covered; otherwise the centres of the cross-border "
        "areas covered; none when neither is known."
    ),
)


class MissionViewSet(ExportMixin, DocumentActionMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Support missions with their scope, events, thematic groups, partner matrix and roadmap versions
    (``pdf/{language}/``: the current roadmap as a PDF)."""

    document_kind = "roadmap"

    serializer_class = MissionSerializer
    filterset_class = MissionFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "start_date", "first_year", "updated_at"]
    ordering = ["slug"]

    def get_queryset(self):
        drafts = can_see_drafts(self, "missions.view_mission")
        missions = Mission.objects.all() if drafts else Mission.objects.published()
        return selectors.with_relations(missions, include_drafts=drafts, lists=True).prefetch_related("sources")

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            # A 2020 offer item became a service of the offer: its address answers 301 to the service's record
            # (one query, only on a 404).
            service = retired_mission_service(mission_slug=kwargs.get(self.lookup_field, ""))
            if service is None:
                raise
            url = reverse("service-detail", kwargs={"slug": service.slug})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    export = MISSIONS_EXPORT
    export_chunk_size = 500  # a mission reads about twenty prefetches: a few hundred at a time

    def export_geometry(self, mission: Mission):
        return points((t.latitude, t.longitude) for t in mission.towns_list) or points(
            (a.latitude, a.longitude) for a in mission.cross_border_areas_list
        )


class RoadmapViewSet(ExportMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Roadmap versions of published missions, with their ordered actions."""

    export = ExportInfo(slug="roadmaps", title=gettext_lazy("Roadmaps"), description="")

    serializer_class = RoadmapSerializer
    filterset_class = RoadmapFilter
    ordering_fields = ["id", "version"]
    ordering = ["id"]

    def get_queryset(self):
        drafts = can_see_drafts(self, "missions.view_roadmap")
        roadmaps = Roadmap.objects.all() if drafts else Roadmap.objects.published()
        latest = roadmaps.filter(mission=OuterRef("mission")).order_by("-version").values("version")[:1]
        roadmaps = roadmaps.annotate(current_version=Subquery(latest))
        factsheets = Factsheet.objects.all() if drafts else Factsheet.objects.published()
        actions = RoadmapAction.objects.select_related("theme", "lead__country").prefetch_related(
            Prefetch("partners", queryset=Partner.objects.select_related("country").order_by("name_fr")),
            Prefetch("factsheets", queryset=factsheets.order_by("title_fr")),
        )
        return roadmaps.select_related("mission").prefetch_related(
            Prefetch("actions", queryset=actions.order_by("position", "pk"))
        )


class MissionMapView(MapLayerView):
    """Map layer of the published missions (the missions list's filters), each at the mean position of its towns,
    else at its cross-border areas."""

    queryset = Mission.objects.published()
    filterset_class = MissionFilter

    def layer(self, queryset):
        points = mission_points(queryset)
        return points, len(points), {}
