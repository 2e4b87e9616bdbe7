"""Fixtures of the projects tests (shared with the browser tests)."""

from tests.projects.fixtures import catalogue  # noqa: F401
