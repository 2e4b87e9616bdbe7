from tests.support.fixtures import offer  # noqa: F401  (a fixture)
