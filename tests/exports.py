"""Helpers of the export tests: read a streamed CSV or GeoJSON answer and check its structure."""

import csv
import io
import json
from numbers import Real

from mot_portal.exports import CC_BY_4, OPEN_LICENCE


def body(response) -> bytes:
    assert response.status_code == 200, response.content if not response.streaming else ""
    assert response.streaming is True
    return b"".join(response.streaming_content)


def read_csv(response) -> list[dict]:
    """The rows of a CSV export (checked: UTF-8 with a BOM, a header row, the csv module reads it)."""
    assert response["Content-Type"].startswith("text/csv")
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _position(position) -> None:
    assert isinstance(position, list)
    assert len(position) == 2
    longitude, latitude = position
    assert isinstance(longitude, Real)
    assert isinstance(latitude, Real)
    assert -180 <= longitude <= 180
    assert -90 <= latitude <= 90


def check_geometry(geometry) -> None:
    """A valid RFC 7946 Point or MultiPoint, or null."""
    if geometry is None:
        return
    assert set(geometry) == {"type", "coordinates"}
    if geometry["type"] == "Point":
        _position(geometry["coordinates"])
    else:
        assert geometry["type"] == "MultiPoint"
        assert len(geometry["coordinates"]) >= 2
        for position in geometry["coordinates"]:
            _position(position)


def read_geojson(response) -> dict:
    """A GeoJSON export, checked: a FeatureCollection of features with a valid geometry or null."""
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(body(response))
    assert data["type"] == "FeatureCollection"
    assert isinstance(data["features"], list)
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature.get("id", ""), str | int)  # RFC 7946: a string or a number when present
        assert isinstance(feature["properties"], dict)
        check_geometry(feature["geometry"])
    return data


def api_count(client, path: str, params: dict | None = None) -> int:
    """The ``count`` of the JSON list with the same filters."""
    response = client.get(path, {**(params or {}), "page_size": 1})
    assert response.status_code == 200, response.content
    return response.json()["count"]


def assert_licensed(response, licence=OPEN_LICENCE) -> None:
    """The licence is named in the Link header (every format) and the catalogue as the description."""
    assert f'<{licence.url}>; rel="license"' in response["Link"]
    assert '/api/v1/catalogue/>; rel="describedby"' in response["Link"]


def assert_geojson_licensed(data: dict, licence=OPEN_LICENCE) -> None:
    metadata = data["metadata"]
    assert metadata["licence"]["url"] == licence.url
    assert metadata["licence"]["name"]
    assert metadata["attribution"]
    assert metadata["catalogue"].endswith("/api/v1/catalogue/")


__all__ = ["CC_BY_4", "OPEN_LICENCE"]
