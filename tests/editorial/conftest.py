from tests.projects.fixtures import catalogue  # noqa: F401
