"""The base of every map: France, its neighbours and the land borders, simplified from the shipped Natural Earth
files into one small GeoJSON file (``static/maps/base.geojson``, built by ``manage.py build_map_base`` and
committed; WhiteNoise serves it compressed, with a hashed name cached for a year).

The countries are clipped to the two frames the portal draws (metropolitan France with a margin, French Guiana),
simplified with a tolerance of about 500 m (0.005°; the borders, the subject of the maps, 0.002°: about 200 m),
which is below a pixel on a map of France and still reads well at the zoom of a town, and their coordinates
rounded to 4 decimals (about 10 m). About 50 KB, 16 KB compressed. The server-drawn SVG
(``mot_portal.maps``) reads the same file.
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import box, mapping, shape

COUNTRIES_FILE = "pays_france_voisins_ne50m.geojson"
BORDERS_FILE = "frontieres_terrestres_france_ne10m.geojson"
# (west, south, east, north) of the frames drawn: metropolitan France and its neighbours, French Guiana.
FRAMES = {"metropole": (-6.5, 40.5, 12.0, 52.5), "guyane": (-55.5, 1.5, -50.5, 6.5)}
TOLERANCE_DEGREES = 0.005
BORDER_TOLERANCE_DEGREES = 0.002  # the borders are the subject of the map: kept finer than the coastlines
DECIMALS = 4


def _clean(geometry, tolerance: float):
    geometry = shapely.simplify(geometry, tolerance, preserve_topology=True)
    return shapely.set_precision(geometry, 10**-DECIMALS)


def _rounded(geojson: dict) -> dict:
    """Coordinates rounded (``set_precision`` snaps them, this drops the float noise when written)."""

    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float | int):
                return [round(float(v), DECIMALS) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geojson["type"], "coordinates": walk(geojson["coordinates"])}


def map_base_build(data_dir: Path) -> dict:
    """The base layer as a GeoJSON FeatureCollection: one feature per country (``kind: "country"``, clipped to the
    frames) and one per land border (``kind: "border"``), with the ISO alpha-3 code and the French and English
    names."""
    frames = shapely.union_all([box(*bounds) for bounds in FRAMES.values()])
    features = []
    countries = json.loads((Path(data_dir) / COUNTRIES_FILE).read_text(encoding="utf-8"))["features"]
    for feature in countries:
        geometry = _clean(shape(feature["geometry"]).intersection(frames), TOLERANCE_DEGREES)
        if geometry.is_empty:
            continue
        properties = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "country",
                    "iso3": properties["iso3"],
                    "name_fr": properties["nom"],
                    "name_en": properties["name_en"],
                },
                "geometry": _rounded(mapping(geometry)),
            }
        )
    borders = json.loads((Path(data_dir) / BORDERS_FILE).read_text(encoding="utf-8"))["features"]
    for feature in borders:
        geometry = _clean(shape(feature["geometry"]), BORDER_TOLERANCE_DEGREES)
        properties = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": "border", "iso3": properties["pays_iso3"], "name_fr": properties["pays_nom"]},
                "geometry": _rounded(mapping(geometry)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def map_base_write(*, data_dir: Path, target: Path) -> int:
    """Write the base layer to ``target`` (compact JSON); returns its size in bytes."""
    text = json.dumps(map_base_build(data_dir), separators=(",", ":"), ensure_ascii=False)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(text + "\n", encoding="utf-8")
    return len(text.encode()) + 1
