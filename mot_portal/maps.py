"""Maps: the points a map shows, their GeoJSON, and the server-drawn SVG of the same map.

One list of ``MapPoint`` per map feeds three things: the GeoJSON of the map-layer endpoints (``/api/v1/map/…``,
drawn by Leaflet in ``static/js/map.js``), the SVG drawn here (the map without JavaScript, and the map of the
PDFs: WeasyPrint renders inline SVG, so nothing is fetched) and the page's list that is the map's text alternative.

The base (France, its neighbours, the land borders) is ``static/maps/base.geojson`` (``towns.mapbase``). The SVG
uses an equirectangular projection centred on the frame (x scaled by the cosine of the middle latitude): over the
few hundred km of a border map it is within a few per cent of a conformal one, and needs no library. Geometries are
clipped to the frame and simplified to about a pixel, coordinates written with one decimal, so a map of France
weighs some tens of KB and a town's map a few.

Each layer has a shape (circle, square, triangle, diamond, cross) as well as a colour, and a legend names them, so
no information is carried by colour alone. Every text is escaped.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from shapely.geometry import box, shape

BASE_FILE = Path(settings.BASE_DIR) / "static" / "maps" / "base.geojson"
BASE_STATIC_PATH = "maps/base.geojson"
# Metropolitan France and its neighbours (west, south, east, north): the frame of a map of all the borders.
FRANCE_BBOX = (-5.2, 41.2, 10.0, 51.3)
METROPOLITAN_EXTENT = (-6.5, 40.5, 12.0, 52.5)  # what counts as metropolitan France and its neighbours
GEONAMES_ATTRIBUTION = "GeoNames (www.geonames.org), CC BY 4.0"
GEONAMES_CREDIT = _("Localities across the border: GeoNames (www.geonames.org), CC BY 4.0.")

# The layers, in drawing order (the last on top): their name, and the shape that tells them apart.
LAYERS = {
    "areas": {"label": _("Cross-border areas"), "shape": "diamond"},
    "localities": {"label": _("Localities across the border"), "shape": "cross"},
    "towns": {"label": _("Towns"), "shape": "circle"},
    "factsheets": {"label": _("Projects"), "shape": "square"},
    "missions": {"label": _("Missions"), "shape": "triangle"},
    "focus": {"label": _("This place"), "shape": "star"},
}
# Kinds of point within the towns layer: PVD laureates are filled, other communes hollow.
KIND_LABELS = {
    "pvd": _("PVD town"),
    "commune": _("Other commune"),
    "factsheet": _("Project"),
    "mission": _("Mission"),
    "area": _("Cross-border area"),
    "locality": _("Locality across the border"),
}


@dataclass(frozen=True)
class MapPoint:
    """One point of a map layer: what the GeoJSON feature and the SVG mark say."""

    layer: str  # a key of LAYERS
    name: str
    longitude: float
    latitude: float
    url: str = ""
    kind: str = ""  # a key of KIND_LABELS (pvd, commune, factsheet…)
    country: str = ""  # ISO alpha-2
    distance: float | None = None  # km to the border, when known
    label: bool = False  # named on the SVG (the main points)

    def feature(self) -> dict:
        properties = {"name": self.name, "kind": self.kind or self.layer, "url": self.url}
        if self.country:
            properties["country"] = self.country
        if self.distance is not None:
            properties["distance"] = round(float(self.distance), 1)
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(self.longitude, 5), round(self.latitude, 5)]},
            "properties": properties,
        }


def feature_collection(points: Iterable[MapPoint], **metadata) -> dict:
    """The GeoJSON FeatureCollection of ``points`` (``metadata``: extra members such as ``attribution``)."""
    features = [point.feature() for point in points]
    return {"type": "FeatureCollection", **metadata, "features": features}


@dataclass
class MapSpec:
    """A map on a page: what the ``{% map %}`` tag renders (figure, SVG, data attributes for the script)."""

    id: str
    title: str
    description: str
    points: Sequence[MapPoint] = ()
    layers: dict[str, str] = field(default_factory=dict)  # layer key → URL of its GeoJSON (the API)
    bbox: tuple[float, float, float, float] | None = None
    describedby: str = ""  # id of the element holding the text alternative (the page's list)
    caption: str = ""
    attribution: str = ""

    def frame(self) -> tuple[float, float, float, float]:
        return self.bbox or bbox_of(self.points)


def bbox_of(
    points: Sequence[MapPoint], *, min_span: float = 0.6, margin: float = 0.12
) -> tuple[float, float, float, float]:
    """The frame that shows ``points`` with a margin (at least ``min_span`` degrees); France without points."""
    if not points:
        return FRANCE_BBOX
    # Metropolitan France and its borders first: overseas towns stay in the layer, off the frame (the map can be
    # zoomed out to them), rather than shrinking Europe to a dot.
    west, south, east, north = METROPOLITAN_EXTENT
    metropolitan = [p for p in points if west <= p.longitude <= east and south <= p.latitude <= north]
    points = metropolitan or points
    lons = [p.longitude for p in points]
    lats = [p.latitude for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    span_lon = max(east - west, min_span)
    span_lat = max(north - south, min_span * 0.7)
    cx, cy = (west + east) / 2, (south + north) / 2
    span_lon, span_lat = span_lon * (1 + 2 * margin), span_lat * (1 + 2 * margin)
    return (cx - span_lon / 2, cy - span_lat / 2, cx + span_lon / 2, cy + span_lat / 2)


@functools.cache
def base_features() -> tuple[tuple[dict, object], ...]:
    """The base layer's features with their shapely geometry (read once per process)."""
    collection = json.loads(BASE_FILE.read_text(encoding="utf-8"))
    return tuple((f["properties"], shape(f["geometry"])) for f in collection["features"])


class Projection:
    """Equirectangular, centred on the frame, fit into ``width`` × ``height`` pixels (the frame is widened on
    one side so that the map keeps its proportions)."""

    def __init__(self, bbox: tuple[float, float, float, float], width: int, height: int) -> None:
        west, south, east, north = bbox
        self.cos = math.cos(math.radians((south + north) / 2))
        span_x, span_y = (east - west) * self.cos, north - south
        scale = min(width / span_x, height / span_y)
        cx, cy = (west + east) / 2, (south + north) / 2
        half_lon, half_lat = width / scale / self.cos / 2, height / scale / 2
        self.bbox = (cx - half_lon, cy - half_lat, cx + half_lon, cy + half_lat)
        self.scale, self.width, self.height = scale, width, height

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        west, _south, _east, north = self.bbox
        return (lon - west) * self.cos * self.scale, (north - lat) * self.scale

    @property
    def degrees_per_pixel(self) -> float:
        return 1 / self.scale


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _path(geometry, projection: Projection) -> str:
    """SVG path data of a (multi)polygon or (multi)line, projected."""
    parts = []
    for geom in getattr(geometry, "geoms", [geometry]):
        rings = [geom.exterior, *geom.interiors] if geom.geom_type == "Polygon" else [geom]
        for ring in rings:
            coords = [projection(x, y) for x, y in ring.coords]
            if len(coords) < 2:
                continue
            closed = "Z" if geom.geom_type == "Polygon" else ""
            head, *rest = coords
            parts.append(f"M{_num(head[0])} {_num(head[1])}L" + " ".join(f"{_num(x)} {_num(y)}" for x, y in rest))
            parts[-1] += closed
    return "".join(parts)


def _mark(shape_name: str, x: float, y: float, size: float) -> str:
    """One point: its shape centred on (x, y)."""
    s = size
    if shape_name == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(s)}"/>'
    if shape_name == "square":
        return f'<rect x="{_num(x - s)}" y="{_num(y - s)}" width="{_num(2 * s)}" height="{_num(2 * s)}"/>'
    if shape_name == "triangle":
        h = s * 1.2
        return (
            f'<path d="M{_num(x)} {_num(y - h)}L{_num(x + h)} {_num(y + h * 0.8)}L{_num(x - h)} {_num(y + h * 0.8)}Z"/>'
        )
    if shape_name == "diamond":
        h = s * 1.3
        return (
            f'<path d="M{_num(x)} {_num(y - h)}L{_num(x + h)} {_num(y)}L{_num(x)} {_num(y + h)}'
            f'L{_num(x - h)} {_num(y)}Z"/>'
        )
    if shape_name == "cross":
        return f'<path d="M{_num(x - s)} {_num(y)}H{_num(x + s)}M{_num(x)} {_num(y - s)}V{_num(y + s)}"/>'
    # star: five points
    points = []
    for i in range(10):
        r = s * (1.6 if i % 2 == 0 else 0.7)
        a = math.pi / 2 + i * math.pi / 5
        points.append(f"{_num(x + r * math.cos(a))} {_num(y - r * math.sin(a))}")
    return f'<path d="M{"L".join(points)}Z"/>'


MARK_SIZES = {"towns": 4, "localities": 3.5, "factsheets": 4.5, "missions": 4.5, "areas": 5, "focus": 6.5}


def map_svg(
    *,
    points: Sequence[MapPoint],
    title: str,
    description: str,
    bbox: tuple[float, float, float, float] | None = None,
    width: int = 640,
    height: int = 440,
    id_prefix: str = "map",
    legend: bool = True,
) -> SafeString:
    """The map as an inline SVG (``role="img"`` with a title and a description): the base clipped to the frame,
    the land borders, each layer's points with its shape, the labelled points named, a legend."""
    projection = Projection(bbox or bbox_of(points), width, height)
    west, south, east, north = projection.bbox
    frame = box(west, south, east, north)
    tolerance = projection.degrees_per_pixel * 0.8
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        f'<rect class="map-sea" width="{width}" height="{height}" fill="#dbe9f4"/>',
    ]
    out.extend(_base_svg(projection, frame, tolerance, language))
    labels = []
    by_layer: dict[str, list[MapPoint]] = {}
    for point in points:
        by_layer.setdefault(point.layer, []).append(point)
    for layer in LAYERS:
        marks = []
        for point in by_layer.get(layer, ()):
            if not (west <= point.longitude <= east and south <= point.latitude <= north):
                continue
            x, y = projection(point.longitude, point.latitude)
            mark = _mark(LAYERS[layer]["shape"], x, y, MARK_SIZES[layer])
            if layer == "towns" and point.kind == "commune":
                mark = mark.replace("/>", ' fill="#ffffff"/>', 1)
            marks.append(mark)
            if point.label:
                labels.append((x, y, point.name))
        if marks:
            out.append(f'<g class="map-points map-points-{layer}" {STYLES[layer]}>{"".join(marks)}</g>')
    for x, y, name in labels[:12]:
        anchor, dx = ("end", -8) if x > width * 0.75 else ("start", 8)
        attrs = f'x="{_num(x + dx)}" y="{_num(y + 4)}" text-anchor="{anchor}" font-size="12"'
        out.append(
            f'<text {attrs} stroke="#ffffff" stroke-width="3" stroke-linejoin="round" fill="#ffffff" '
            f'aria-hidden="true">{escape(name)}</text>'
            f'<text {attrs} fill="#1a1a1a" class="map-label">{escape(name)}</text>'
        )
    if legend:
        out.append(_legend([layer for layer in LAYERS if by_layer.get(layer)], by_layer, height))
    out.append("</svg>")
    return mark_safe("".join(out))


def _base_svg(projection: Projection, frame, tolerance: float, language: str) -> list[str]:
    """The base clipped to the frame: countries (France white), their names, the land borders (dashed)."""
    out = []
    countries, borders, names = [], [], []
    for properties, geometry in base_features():
        if not geometry.intersects(frame):
            continue
        clipped = shapely.simplify(geometry.intersection(frame.buffer(tolerance * 4)), tolerance)
        if clipped.is_empty:
            continue
        if properties["kind"] == "country":
            france = properties["iso3"] == "FRA"
            fill = "#ffffff" if france else "#ecebe6"
            countries.append(f'<path fill="{fill}" d="{_path(clipped, projection)}"/>')
            inside = geometry.intersection(frame.buffer(-tolerance * 30))
            small_frame = frame.area < 12  # a town's map: France needs no name
            if properties["iso3"] in {"MCO", "AND"}:  # too small to hold their name on a map of France
                continue
            if not inside.is_empty and inside.area / frame.area > 0.02 and not (france and small_frame):
                x, y = projection(*inside.representative_point().coords[0])
                name = properties.get(f"name_{language}") or properties["name_fr"]
                names.append(
                    f'<text x="{_num(x)}" y="{_num(y)}" class="map-country" text-anchor="middle" '
                    f'font-size="13" fill="#5a5a5a" font-style="italic">{escape(name.upper())}</text>'
                )
        elif properties["kind"] == "border":
            borders.append(f'<path d="{_path(clipped, projection)}"/>')
    out.append(f'<g class="map-base" stroke="#9a9a9a" stroke-width="0.6">{"".join(countries)}</g>')
    out.append(
        '<g class="map-borders" fill="none" stroke="#7a1f3d" stroke-width="2" stroke-dasharray="6 3">'
        f"{''.join(borders)}</g>"
    )
    out.extend(names)
    return out


STYLES = {
    "towns": 'fill="#1f4e8c" stroke="#ffffff" stroke-width="0.8"',
    "localities": 'fill="none" stroke="#5b3a8e" stroke-width="1.6"',
    "factsheets": 'fill="#c25400" stroke="#ffffff" stroke-width="0.8"',
    "missions": 'fill="#1b7a3c" stroke="#ffffff" stroke-width="0.8"',
    "areas": 'fill="#7a1f3d" fill-opacity="0.85" stroke="#ffffff" stroke-width="0.8"',
    "focus": 'fill="#d4a000" stroke="#1a1a1a" stroke-width="1.2"',
}


def _legend(layers: list[str], by_layer: dict[str, list[MapPoint]], height: int) -> str:
    rows = []
    for layer in layers:
        kinds = sorted({p.kind for p in by_layer[layer]}) if layer == "towns" else [""]
        for kind in kinds:
            label = KIND_LABELS.get(kind) or LAYERS[layer]["label"]
            rows.append((layer, kind, str(label)))
    rows.append(("border", "", str(_("Land border"))))
    line = 18
    box_height = line * len(rows) + 10
    top = height - box_height - 8
    width = 20 + max(len(label) for _l, _k, label in rows) * 6.6 + 10
    out = [
        f'<g class="map-legend" font-size="12"><rect x="8" y="{_num(top)}" width="{_num(width)}" '
        f'height="{box_height}" fill="#ffffff" fill-opacity="0.92" stroke="#9a9a9a"/>'
    ]
    for i, (layer, kind, label) in enumerate(rows):
        y = top + 5 + line * i + line / 2
        if layer == "border":
            out.append(
                f'<path d="M12 {_num(y)}H28" stroke="#7a1f3d" stroke-width="2" stroke-dasharray="6 3" fill="none"/>'
            )
            out.append(f'<text x="32" y="{_num(y + 4)}" fill="#1a1a1a">{escape(label)}</text>')
            continue
        mark = _mark(LAYERS[layer]["shape"], 20, y, MARK_SIZES[layer])
        if kind == "commune":
            mark = mark.replace("/>", ' fill="#ffffff"/>', 1)
        out.append(f"<g {STYLES[layer]}>{mark}</g>")
        out.append(f'<text x="32" y="{_num(y + 4)}" fill="#1a1a1a">{escape(label)}</text>')
    out.append("</g>")
    return "".join(out)
