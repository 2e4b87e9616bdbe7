"""``{% map spec %}``: a map (``mot_portal.maps.MapSpec``) as a figure: the server-drawn SVG (the map without
JavaScript), the layer URLs for ``static/js/map.js`` (Leaflet) and a link to the text alternative."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

from mot_portal.maps import KIND_LABELS, LAYERS, MapSpec, map_svg

register = template.Library()


@register.inclusion_tag("_map.html")
def map(spec: MapSpec) -> dict:
    """The figure of ``spec``: its SVG, and what the script needs as data attributes (JSON, escaped)."""
    frame = spec.frame()
    layers = [{"key": key, "label": str(LAYERS[key]["label"]), "url": url} for key, url in spec.layers.items()]
    # The points of layers without an endpoint (the place itself, a factsheet's towns) travel with the page.
    inline = []
    for point in spec.points:
        if point.layer not in spec.layers:
            feature = point.feature()
            feature["properties"]["label"] = point.label
            inline.append({"layer": point.layer, **feature})
    texts = {
        "open": _("Open the page"),
        "legend": _("Legend"),
        "base": _("France and its neighbours"),
        "map": _("Interactive map"),
        "km": _("km from the border"),
        "border": _("Land border"),
        "kinds": {key: str(label) for key, label in KIND_LABELS.items()},
        "layers": {key: str(layer["label"]) for key, layer in LAYERS.items()},
    }
    groups = []
    for key, layer in reversed(LAYERS.items()):
        points = [p for p in spec.points if p.layer == key]
        if points:
            groups.append({"label": layer["label"], "points": points})
    return {
        "map": spec,
        "groups": groups,
        "svg": map_svg(
            points=spec.points, title=spec.title, description=spec.description, bbox=frame, id_prefix=spec.id
        ),
        "base_url": static("maps/base.geojson"),
        "layers_json": json.dumps(layers),
        "points_json": json.dumps(inline),
        "texts_json": json.dumps(texts),
        "bbox": ",".join(f"{v:.4f}" for v in frame),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


@register.simple_tag
def map_figure_pdf(spec: MapSpec | None, caption: str = ""):
    """The map of a PDF: the server-drawn SVG only (WeasyPrint renders inline SVG: nothing to fetch), in a figure
    with its caption; nothing without a map."""
    if spec is None:
        return ""
    svg = map_svg(
        points=spec.points, title=spec.title, description=spec.description, bbox=spec.frame(), id_prefix=spec.id
    )
    text = caption or spec.title
    return format_html(
        '<figure class="pdf-map">{}<figcaption>{}. {}</figcaption></figure>',
        svg,
        text,
        _("Borders: Natural Earth (public domain)."),
    )
