"""Fixtures of the missions tests (shared with the browser tests)."""

from tests.missions.fixtures import missions  # noqa: F401
