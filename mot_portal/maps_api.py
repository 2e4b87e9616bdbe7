"""The map-layer endpoints' base (``/api/v1/map/…``): a filtered queryset → a compact GeoJSON FeatureCollection.

Not paginated (a layer is drawn whole; each app caps its own layer), public, read-only. Anonymous reads are
answered from the page cache until the content changes, with an ``ETag`` (``mot_portal.cache``).
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from mot_portal.api import LanguageMixin
from mot_portal.apikeys.throttling import PageScriptRateThrottle
from mot_portal.maps import feature_collection


class PointGeometrySerializer(serializers.Serializer):
    type = serializers.CharField(help_text='Always "Point".')
    coordinates = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, help_text="Longitude and latitude (WGS 84)."
    )


class MapFeaturePropertiesSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Name or title, in the requested language.")
    kind = serializers.CharField(
        help_text="What the point is: pvd (PVD town), commune, factsheet, mission, area or locality."
    )
    url = serializers.CharField(help_text="Path of the public page (empty for a locality across the border).")
    country = serializers.CharField(
        required=False, help_text="ISO alpha-2 code: the nearest neighbouring country, or the locality's country."
    )
    distance = serializers.FloatField(required=False, help_text="Distance in km to the land border, when known.")


class MapFeatureSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='Always "Feature".')
    geometry = PointGeometrySerializer(
        help_text="A point; an area with an outline has a Polygon or MultiPolygon instead."
    )
    properties = MapFeaturePropertiesSerializer(help_text="What the point is, its name and its page.")


class MapLayerSerializer(serializers.Serializer):
    """A map layer: a GeoJSON FeatureCollection with compact properties."""

    type = serializers.CharField(help_text='Always "FeatureCollection".')
    count = serializers.IntegerField(help_text="Number of records matching the filters that can be placed.")
    truncated = serializers.BooleanField(help_text="True when the layer holds fewer features than count.")
    attribution = serializers.CharField(required=False, help_text="Credit owed to the data's source, if any.")
    features = MapFeatureSerializer(many=True, help_text="The points (or outlines) of the layer.")


class MapLayerView(LanguageMixin, generics.GenericAPIView):
    """Base of the map layers: subclasses give ``queryset``, ``filterset_class`` and ``layer()``."""

    permission_classes = [AllowAny]
    throttle_classes = [PageScriptRateThrottle]  # what the map pages ask for, apart from the "anon" budget
    pagination_class = None
    filter_backends = [DjangoFilterBackend]
    serializer_class = MapLayerSerializer

    def layer(self, queryset) -> tuple[list, int, dict]:
        """``(points, count, extra members)`` of the filtered queryset."""
        raise NotImplementedError

    @extend_schema(responses=MapLayerSerializer, filters=True)
    def get(self, request: Request, *args, **kwargs) -> Response:
        points, count, extra = self.layer(self.filter_queryset(self.get_queryset()))
        outlines = extra.pop("outlines", [])
        data = feature_collection(points, count=count, truncated=len(points) < count, **extra)
        data["features"].extend(outlines)
        return Response(data)
