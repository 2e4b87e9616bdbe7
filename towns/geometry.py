"""Distances from the communes to **each** land border of France, computed from the shipped borders (issue 12).

The borders are the Natural Earth 1:10m lines France shares with each neighbour
(``frontieres_terrestres_france_ne10m.geojson``, one MultiLineString per country). For a commune, the nearest point
of each border is searched in a conformal projection fit for its territory (Lambert-93 for metropolitan France,
UTM 22N for French Guiana), then the **geodesic** distance (WGS 84 ellipsoid) to that point is computed. Searching
in the projection picks a point within metres of the true nearest one over France; the distance itself is exact
to that point, so the result is the geodesic distance to the line to about 0.1 km (tested against a brute-force
geodesic search). What limits accuracy is the line: Natural Earth 1:10m is generalised, and departs from the
legal border by up to about 1 km in places.

Only the borders of the commune's own territory are measured (metropolitan communes: the eight metropolitan
neighbours; French Guiana: Brazil and Suriname); other overseas communes have no land border.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import shape

BORDERS_FILE = "frontieres_terrestres_france_ne10m.geojson"
GEOD = Geod(ellps="WGS84")
# The projection the nearest point is searched in, per territory (True: metropolitan France).
PROJECTIONS = {True: "EPSG:2154", False: "EPSG:2972"}  # Lambert-93; RGFG95 / UTM zone 22N (French Guiana)
GUIANA_DEPARTMENT = "973"


class BorderFileError(ValueError):
    """The borders file cannot be read (named in the message)."""


@dataclass(frozen=True)
class Border:
    """France's land border with one country: its ISO alpha-3 code, its territory, the line in the projection."""

    iso3: str
    metropolitan: bool
    line: shapely.MultiLineString


@cache
def _transformers(metropolitan: bool) -> tuple[Transformer, Transformer]:
    crs = PROJECTIONS[metropolitan]
    return (
        Transformer.from_crs("EPSG:4326", crs, always_xy=True),
        Transformer.from_crs(crs, "EPSG:4326", always_xy=True),
    )


def borders_load(path: Path) -> list[Border]:
    """The borders of ``path`` (the shipped GeoJSON), projected for the nearest-point search."""
    try:
        features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
        borders = []
        for feature in features:
            properties = feature["properties"]
            metropolitan = bool(properties["metropole"])
            forward, _back = _transformers(metropolitan)
            line = shapely.transform(
                shape(feature["geometry"]), lambda xy, f=forward: np.column_stack(f.transform(*xy.T))
            )
            borders.append(Border(properties["pays_iso3"], metropolitan, line))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BorderFileError(f"{Path(path).name}: cannot read the land borders ({exc})") from exc
    return borders


def border_distances(
    latitudes: Sequence[float], longitudes: Sequence[float], *, borders: Sequence[Border], metropolitan: bool
) -> dict[str, np.ndarray]:
    """``{ISO alpha-3 of the neighbour: geodesic distance in km}`` from each point to each border of its territory
    (one array per country, in the order of the points). Vectorised: the metropolitan communes take seconds."""
    lats, lons = np.asarray(latitudes, dtype=float), np.asarray(longitudes, dtype=float)
    forward, back = _transformers(metropolitan)
    x, y = forward.transform(lons, lats)
    points = shapely.points(x, y)
    result = {}
    for border in borders:
        if border.metropolitan != metropolitan:
            continue
        ends = shapely.get_coordinates(shapely.shortest_line(points, border.line)).reshape(-1, 2, 2)[:, 1]
        near_lons, near_lats = back.transform(ends[:, 0], ends[:, 1])
        _azimuth, _back_azimuth, metres = GEOD.inv(lons, lats, near_lons, near_lats)
        result[border.iso3] = np.asarray(metres) / 1000
    return result


def territory_of_department(department_code: str) -> bool | None:
    """Which borders the communes of a department have: True (metropolitan, Corsica included), False (French
    Guiana) or None (other overseas departments and collectivities: no land border)."""
    if department_code == GUIANA_DEPARTMENT:
        return False
    return None if department_code.startswith(("97", "98")) else True


# --- Cross-border area outlines ---------------------------------------------------------------------------------

OUTLINE_TYPES = ("Polygon", "MultiPolygon")


def outline_error(value) -> str | None:
    """Why ``value`` is not a GeoJSON Polygon or MultiPolygon in WGS 84 longitude/latitude, or None when it is one:
    each ring has at least four positions, is closed (first = last), and each position is [longitude, latitude]
    with -180 ≤ longitude ≤ 180 and -90 ≤ latitude ≤ 90. (English: the message goes through gettext in the model.)"""
    if not isinstance(value, dict) or value.get("type") not in OUTLINE_TYPES:
        return "type"
    coordinates = value.get("coordinates")
    polygons = [coordinates] if value["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return "structure"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return "structure"
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                return "ring"
            for position in ring:
                if (
                    not isinstance(position, list)
                    or len(position) not in (2, 3)
                    or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in position)
                ):
                    return "structure"
                if not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
                    return "range"
            if ring[0][:2] != ring[-1][:2]:
                return "closed"
    return None


def outline_shape(value):
    """The shapely geometry of a valid outline (``outline_error`` is None)."""
    return shape(value)


def points_inside(outline, latitudes: Sequence[float], longitudes: Sequence[float]) -> np.ndarray:
    """Which points (latitude, longitude) lie in the outline (boundary included)."""
    geometry = outline_shape(outline)
    shapely.prepare(geometry)
    return shapely.intersects_xy(geometry, np.asarray(longitudes, dtype=float), np.asarray(latitudes, dtype=float))


def geodesic_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Geodesic distance in km on the WGS 84 ellipsoid between points (arrays broadcast)."""
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lat1, lon1, lat2, lon2)))
    _az1, _az2, metres = GEOD.inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return np.asarray(metres).reshape(lat1.shape) / 1000
