"""Schemathesis over the whole OpenAPI schema: whatever the input, the API never answers with a 5xx."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from tests.factories import CrossBorderAreaFactory, PartnerFactory, bulk_towns

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def wsgi_app():
    """The WSGI application, minus the per-request connection cleanup (as Django's test client does).

    Inside a test transaction that cleanup would close the connection the test holds.
    """
    from mot_portal.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app):

    towns = bulk_towns(5)
    PartnerFactory(slug="partner-a", towns=towns[:2])
    CrossBorderAreaFactory(slug="area-a", towns=towns[2:])
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("as_staff", [False, True], ids=["anonymous", "staff-editor"])
def test_no_operation_answers_with_a_server_error(api_schema, mode, as_staff, request):
    headers = {}
    if as_staff:
        # Staff with write permissions reach validation, where bad input must still be a 400.
        token = Token.objects.create(user=request.getfixturevalue("staff_editor"))
        headers = {"Authorization": f"Token {token.key}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30  # every resource: list, retrieve, create, update, partial update, delete
    for operation in operations:

        @given(case=operation.as_strategy(mode, headers=headers))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case):
            response = case.call()
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} query={case.query} → {response.status_code}"
            )

        call()
