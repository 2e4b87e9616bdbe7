"""What the schema promises matches what the API answers (issue 11: the violations schemathesis found on the real
data, the error answers, the anonymous reads); the fuzzing itself is in test_api_schema_fuzz.py."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from mot_portal.rest import as_uri
from projects.models import Factsheet
from tests.projects.fixtures import catalogue  # noqa: F401


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _property(schema: dict, component: str, name: str) -> dict:
    return schema["components"]["schemas"][component]["properties"][name]


def test_the_fields_found_null_or_blank_on_the_real_data_say_so(schema):
    assert _property(schema, "Mission", "national_programme")["nullable"] is True
    assert _property(schema, "RoadmapAction", "theme")["nullable"] is True
    assert _property(schema, "RoadmapAction", "thematic_group")["nullable"] is True
    status = _property(schema, "Mission", "status")  # the mission's progress: empty when no source says
    refs = {option["$ref"].rsplit("/", 1)[1] for option in status["oneOf"]}
    assert refs == {"MissionStatusEnum", "BlankEnum"}
    assert schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_every_operation_documents_its_error_answers_and_reads_need_no_credentials(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404", "429"} <= set(operation["responses"]), (method, path)
            if method == "get":
                assert {} in operation["security"], path
            else:
                assert {} not in operation["security"], (method, path)
                assert "409" in operation["responses"]


@pytest.mark.parametrize(
    ("url", "uri"),
    [
        ("https://exémple.fr/projet-é", "https://xn--exmple-cva.fr/projet-%C3%A9"),
        ("https://www.exemple.fr/a[1]?q=é&r=%zz#fin ici", "https://www.exemple.fr/a%5B1%5D?q=%C3%A9&r=%25zz#fin%20ici"),
        ("https://www.exemple.fr/p?id=3&x=%C3%A9", "https://www.exemple.fr/p?id=3&x=%C3%A9"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("", ""),
    ],
)
def test_a_url_is_given_as_an_rfc_3986_uri(url, uri):
    assert as_uri(url) == uri


@pytest.mark.django_db
def test_a_website_typed_in_the_admin_or_sent_to_the_api_is_read_back_as_a_uri(catalogue, staff_reviewer):  # noqa: F811
    Factsheet.objects.filter(pk=catalogue.care.pk).update(website="https://exémple.fr/santé")  # as the admin stores
    api = APIClient()
    assert api.get("/api/v1/factsheets/maison-de-sante/").json()["website"] == "https://xn--exmple-cva.fr/sant%C3%A9"
    api.force_authenticate(staff_reviewer)
    response = api.patch("/api/v1/factsheets/covoiturage/", {"website": "https://exemple.fr/é"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["website"] == "https://exemple.fr/%C3%A9"
    assert Factsheet.objects.get(slug="covoiturage").website == "https://exemple.fr/%C3%A9"
