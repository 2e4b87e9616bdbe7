"""The public API keeps every path, method, schema component and field it ever published.

``tests/api_contract.json`` lists them (written from the schema of API 1.0): other systems rely on them, so a
change may add to the API but never rename or drop one. Add new paths and fields to the file when they ship;
never remove one from it.
"""

import json
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

CONTRACT = Path(__file__).with_name("api_contract.json")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_published_path_and_method_is_still_served(schema):
    contract = json.loads(CONTRACT.read_text(encoding="utf-8"))
    missing = [
        f"{method.upper()} {path}"
        for path, methods in contract["paths"].items()
        for method in methods
        if method not in schema["paths"].get(path, {})
    ]
    assert missing == []


def test_every_published_field_is_still_in_its_component(schema):
    contract = json.loads(CONTRACT.read_text(encoding="utf-8"))
    components = schema["components"]["schemas"]
    missing = [
        f"{name}.{field}"
        for name, fields in contract["components"].items()
        for field in fields
        if field not in (components.get(name, {}).get("properties") or {})
    ]
    assert missing == []
