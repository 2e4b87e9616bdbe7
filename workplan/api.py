"""Read-only API of the work programme: programmes with their nested tree, activity lines, themes."""

from django.db.models import Max, Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers, viewsets

from editorial.api import SourcesField
from mot_portal.api import LanguageMixin
from mot_portal.documents.api import DocumentActionMixin
from mot_portal.exports import ExportInfo, ExportMixin
from workplan import selectors
from workplan.filters import ActivityLineFilter, ProgrammeFilter
from workplan.models import DealTheme, Programme, TransversalTheme, WorkItem


class DealThemeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="Name in the requested language.")

    class Meta:
        model = DealTheme
        fields = ["number", "name", "name_fr", "name_en"]


class TransversalThemeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="Name in the requested language.")

    class Meta:
        model = TransversalTheme
        fields = ["slug", "name", "name_fr", "name_en"]


class ActivityLineSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True, help_text="Text in the requested language (French if untranslated).")
    programme = serializers.IntegerField(source="programme.year", read_only=True, help_text="Year of the programme.")
    parent_code = serializers.CharField(source="code", read_only=True, help_text="Code of the node the line is under.")
    deal_themes = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True, help_text="Numbers of the Cross-border Deal themes."
    )
    transversal_themes = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text="Slugs of the transversal themes."
    )

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "programme",
            "code",
            "parent_code",
            "text",
            "text_fr",
            "text_en",
            "deal_themes",
            "transversal_themes",
            "is_token",
        ]
        extra_kwargs = {
            "id": {"help_text": "Identifier of the line."},
            "code": {"help_text": "Code of the node the line is under, e.g. 3.1.1."},
        }


def _schema(name: str, fields: dict, help_text: str):
    return inline_serializer(name, fields, many=True, help_text=help_text)


LINE_FIELDS = {
    "id": serializers.IntegerField(help_text="Identifier of the line."),
    "text": serializers.CharField(help_text="Text in the requested language."),
    "text_fr": serializers.CharField(help_text="French text."),
    "text_en": serializers.CharField(allow_null=True, help_text="English text, if translated."),
    "deal_themes": serializers.ListField(child=serializers.IntegerField(), help_text="Deal theme numbers."),
    "transversal_themes": serializers.ListField(child=serializers.CharField(), help_text="Theme slugs."),
    "is_token": serializers.BooleanField(help_text="Falls under the tokens of the modular offer."),
}
NODE_FIELDS = {
    "code": serializers.CharField(help_text="Code in the programme, e.g. 3.1.1."),
    "title": serializers.CharField(help_text="Title in the requested language."),
    "title_fr": serializers.CharField(help_text="French title."),
    "title_en": serializers.CharField(allow_null=True, help_text="English title, if translated."),
    "is_token": serializers.BooleanField(help_text="Falls under the tokens of the modular offer."),
    "deal_themes": serializers.ListField(child=serializers.IntegerField(), help_text="Deal theme numbers."),
    "transversal_themes": serializers.ListField(child=serializers.CharField(), help_text="Theme slugs."),
    "lines": _schema("ProgrammeLine", LINE_FIELDS, "Activity lines directly under the node."),
}
ACTION_FIELDS = NODE_FIELDS
# One component instance, used by sub-axes and axes alike (two would clash in the schema).
ACTIONS = _schema("ProgrammeAction", ACTION_FIELDS, "Actions of the node (under an axis: codes x.0.y).")
SUB_AXIS_FIELDS = {**NODE_FIELDS, "actions": ACTIONS}
AXIS_FIELDS = {
    **NODE_FIELDS,
    "sub_axes": _schema("ProgrammeSubAxis", SUB_AXIS_FIELDS, "Sub-axes of the axis."),
    "actions": ACTIONS,
}


def _themes(item: WorkItem) -> dict:
    return {
        "deal_themes": [t.number for t in item.deal_themes.all()],
        "transversal_themes": [t.slug for t in item.transversal_themes.all()],
    }


def _line(item: WorkItem) -> dict:
    return {
        "id": item.pk,
        "text": item.text,
        "text_fr": item.text_fr,
        "text_en": item.text_en or None,
        **_themes(item),
        "is_token": item.is_token,
    }


def _node(node: selectors.TreeNode) -> dict:
    item = node.item
    data = {
        "code": item.code,
        "title": item.text,
        "title_fr": item.text_fr,
        "title_en": item.text_en or None,
        "is_token": item.is_token,
        **_themes(item),
        "lines": [_line(line) for line in node.lines],
    }
    if item.kind == WorkItem.Kind.AXIS:
        data["sub_axes"] = [_node(c) for c in node.children if c.item.kind == WorkItem.Kind.SUB_AXIS]
        data["actions"] = [_node(c) for c in node.children if c.item.kind == WorkItem.Kind.ACTION]
    elif item.kind == WorkItem.Kind.SUB_AXIS:
        data["actions"] = [_node(c) for c in node.children]
    return data


class ProgrammeSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text="Title in the requested language.")
    sources = SourcesField()
    url = serializers.SerializerMethodField(help_text="Public page of the programme.")

    class Meta:
        model = Programme
        fields = [
            "year",
            "title",
            "title_fr",
            "title_en",
            "as_of",
            "status",
            "url",
            "sources",
            "first_published_on",
            "first_published_precision",
        ]

    @extend_schema_field(serializers.URLField())
    def get_url(self, programme: Programme) -> str:
        request = self.context.get("request")
        url = programme.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class ProgrammeTreeSerializer(ProgrammeSerializer):
    axes = serializers.SerializerMethodField(help_text="The whole tree: axes, their sub-axes, actions and lines.")

    class Meta(ProgrammeSerializer.Meta):
        fields = [*ProgrammeSerializer.Meta.fields, "axes"]

    @extend_schema_field(_schema("ProgrammeAxis", AXIS_FIELDS, "Axes of the programme."))
    def get_axes(self, programme: Programme) -> list[dict]:
        items = selectors.programme_items(programme=programme)
        return [_node(axis) for axis in selectors.programme_tree(items=items)]


class ProgrammeViewSet(ExportMixin, DocumentActionMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Published work programmes; the detail gives the whole tree."""

    document_kind = "programme"
    export = ExportInfo(slug="programmes", title=gettext_lazy("Work programmes"), description="")

    filterset_class = ProgrammeFilter
    lookup_field = "year"
    lookup_value_regex = r"[0-9]{4}"
    ordering_fields = ["year"]
    ordering = ["-year"]

    def get_queryset(self):
        return selectors.programme_list().prefetch_related("sources")

    def get_serializer_class(self):
        return ProgrammeTreeSerializer if self.action == "retrieve" else ProgrammeSerializer


ACTIVITY_LINES_EXPORT = ExportInfo(
    slug="activity-lines",
    title=gettext_lazy("Work programme activity lines"),
    description=gettext_lazy(
        "The activity lines of the published work programmes of the MOT's advisory programme, with the code of "
        "their node, their Cross-border Deal and transversal themes and whether they fall under the tokens of "
        "the modular offer."
    ),
    keywords=("programme de travail", "transfrontalier"),
    modified=lambda: Programme.objects.published().aggregate(last=Max("as_of"))["last"],
    page="workplan:programme_latest",
    geometry=gettext_lazy("None: the lines are not placed on a map."),
)


class ActivityLineViewSet(ExportMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Activity lines of the published programmes, with their node code, themes and token flag."""

    export = ACTIVITY_LINES_EXPORT

    serializer_class = ActivityLineSerializer
    filterset_class = ActivityLineFilter
    ordering_fields = ["id", "code", "position"]
    ordering = ["-programme__year", "position", "id"]
    queryset = (
        WorkItem.objects.lines()
        .published()
        .select_related("programme")
        .prefetch_related(
            Prefetch("deal_themes", queryset=DealTheme.objects.order_by("number")),
            Prefetch("transversal_themes", queryset=TransversalTheme.objects.order_by("slug")),
        )
    )


class DealThemeViewSet(ExportMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """The nine themes of the Cross-border Deal."""

    export = ExportInfo(slug="deal-themes", title=gettext_lazy("Cross-border Deal themes"), description="")

    serializer_class = DealThemeSerializer
    lookup_field = "number"
    lookup_value_regex = r"[0-9]{1,2}"
    ordering_fields = ["number"]
    ordering = ["number"]
    queryset = DealTheme.objects.all()


class TransversalThemeViewSet(ExportMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """The transversal themes of the programme."""

    export = ExportInfo(slug="transversal-themes", title=gettext_lazy("Transversal themes"), description="")

    serializer_class = TransversalThemeSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-z0-9]+"
    ordering_fields = ["slug"]
    ordering = ["slug"]
    queryset = TransversalTheme.objects.all()
