"""``{% map spec %}``: a map (``mot_portal.maps.MapSpec``) as a figure: the server-drawn SVG (the map without
JavaScript), the layer URLs for ``static/js/map.js`` (Leaflet) and a link to the text alternative."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext as _

from mot_portal.maps import KIND_LABELS, LAYERS, MapSpec, map_svg

register = template.Library()


@register.inclusion_tag("_map.html")
def map(spec: MapSpec) -> dict:
    """The figure of ``spec``: its SVG, and what the script needs as data attributes (JSON, escaped)."""
    frame = spec.frame()
    layers = [{"key": key, "label": str(LAYERS[key]["label"]), "url": url} for key, url in spec.layers.items()]
    focus = [
        {"name": p.name, "lon": p.longitude, "lat": p.latitude, "url": p.url} for p in spec.points if p.layer == "focus"
    ]
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
        "focus_json": json.dumps(focus),
        "texts_json": json.dumps(texts),
        "bbox": ",".join(f"{v:.4f}" for v in frame),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
