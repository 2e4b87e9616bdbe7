"""Distances to each land border (towns/geometry.py), checked against an independent brute-force geodesic search."""

import csv
import itertools
import json
import math

import numpy as np
import pytest
from pyproj import Geod

from tests.conftest import DATA_DIR
from towns.geometry import BORDERS_FILE, BorderFileError, border_distances, borders_load, territory_of_department

# Border towns of every neighbour (and two of French Guiana), by INSEE code.
TOWNS = ["08190", "02381", "57650", "57106", "67544", "68297", "64260", "06083", "66025", "74056", "97308", "97353"]
TOLERANCE_KM = 0.01  # the search in the projection against the exact geodesic minimum (measured: 0.5 m)
STEP_KM = 0.05  # spacing of the points the brute force tries along each border line
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def communes():
    with (DATA_DIR / "communes_france_2026.csv").open(encoding="utf-8") as handle:
        return {row["code_insee"]: row for row in csv.DictReader(handle) if row["code_insee"] in TOWNS}


def _dense_border_points(metropolitan: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every border, as points at most STEP_KM apart along its geodesic segments (in longitude, latitude)."""
    features = json.loads((DATA_DIR / BORDERS_FILE).read_text(encoding="utf-8"))["features"]
    result = {}
    for feature in features:
        if feature["properties"]["metropole"] != metropolitan:
            continue
        lons, lats = [], []
        for line in feature["geometry"]["coordinates"]:
            for (lon1, lat1), (lon2, lat2) in itertools.pairwise(line):
                length = GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000
                between = GEOD.npts(lon1, lat1, lon2, lat2, max(0, math.ceil(length / STEP_KM) - 1))
                lons += [lon1, *(p[0] for p in between), lon2]
                lats += [lat1, *(p[1] for p in between), lat2]
        result[feature["properties"]["pays_iso3"]] = (np.array(lons), np.array(lats))
    return result


def _brute_force(lat: float, lon: float, points) -> float:
    lons, lats = points
    return float(np.min(GEOD.inv(np.full(lons.shape, lon), np.full(lats.shape, lat), lons, lats)[2])) / 1000


@pytest.mark.parametrize("metropolitan", [True, False])
def test_distances_match_a_brute_force_geodesic_search(communes, metropolitan):
    rows = [communes[code] for code in TOWNS if territory_of_department(communes[code]["dep_code"]) is metropolitan]
    assert len(rows) == (10 if metropolitan else 2)
    borders = borders_load(DATA_DIR / BORDERS_FILE)
    computed = border_distances(
        [float(row["lat"]) for row in rows], [float(row["lon"]) for row in rows],
        borders=borders, metropolitan=metropolitan,
    )  # fmt: skip
    expected_countries = {"BEL", "LUX", "DEU", "CHE", "ITA", "MCO", "ESP", "AND"} if metropolitan else {"BRA", "SUR"}
    assert set(computed) == expected_countries
    dense = _dense_border_points(metropolitan)
    for index, row in enumerate(rows):
        for iso3, distances in computed.items():
            exact = _brute_force(float(row["lat"]), float(row["lon"]), dense[iso3])
            assert abs(distances[index] - exact) <= TOLERANCE_KM + STEP_KM / 2, (
                row["nom"],
                iso3,
                distances[index],
                exact,
            )
        # The nearest border is the one the data file names, at about the distance it gives (±2 km, its method).
        nearest = min(computed, key=lambda iso3, i=index: computed[iso3][i])
        assert nearest == row["frontiere_pays_iso3"], row["nom"]
        assert abs(computed[nearest][index] - float(row["frontiere_dist_km"])) <= 2.0, row["nom"]


def test_every_neighbour_is_measured_not_only_the_nearest(communes):
    """Saint-Louis (Haut-Rhin) is at the corner of Switzerland and Germany: both are a few km away."""
    row = communes["68297"]
    computed = border_distances(
        [float(row["lat"])], [float(row["lon"])], borders=borders_load(DATA_DIR / BORDERS_FILE), metropolitan=True
    )
    assert computed["CHE"][0] < 5
    assert computed["DEU"][0] < 5
    assert 300 < computed["ESP"][0] < 1000


def test_a_broken_borders_file_is_named(tmp_path):
    broken = tmp_path / BORDERS_FILE
    broken.write_text('{"type": "FeatureCollection", "features": [{"properties": {}}]}', encoding="utf-8")
    with pytest.raises(BorderFileError, match=BORDERS_FILE):
        borders_load(broken)


def test_overseas_communes_without_a_land_border_have_no_territory():
    assert territory_of_department("57") is True
    assert territory_of_department("2A") is True  # Corsica
    assert territory_of_department("973") is False
    assert territory_of_department("974") is None
    assert territory_of_department("975") is None
