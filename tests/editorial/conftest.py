"""Fixtures of the editorial tests."""

from tests.projects.fixtures import catalogue  # noqa: F401
