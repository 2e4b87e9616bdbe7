"""Fixtures of the portal-wide tests (the PDF documents render the projects' and missions' records)."""

from tests.missions.fixtures import missions  # noqa: F401
from tests.projects.fixtures import catalogue  # noqa: F401
from tests.storage import s3_bucket, s3_server, storage_backend  # noqa: F401
