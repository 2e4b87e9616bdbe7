import pytest

from tests.workplan.test_import import FILE
from workplan.services import programme_import


@pytest.fixture
def programme(db):
    return programme_import(path=FILE, status="published").programme
