"""Several machines, one bucket: a real Celery worker process (another machine's stand-in) renders into the S3
bucket (moto over HTTP) and the web process serves what it wrote; a file deleted from the bucket is rendered
again by the worker. Needs Redis (skipped locally without it, fails under CI=true)."""

import io

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from mot_portal.documents.models import StoredDocument
from tests.conftest import require_service
from tests.mot_portal.test_documents_worker import _wait, worker_queue  # noqa: F401 (fixture, by name below)

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/booklets/livret/pdf/en/"


def test_a_worker_renders_into_the_shared_bucket_and_renders_a_lost_file_again(
    request, s3_bucket, catalogue, tmp_path, monkeypatch
):
    # The worker reads the test database: it must be a server (an in-memory SQLite is the test process's own).
    require_service(connection.vendor == "postgresql", "a worker process needs PostgreSQL (set DATABASE_URL)")
    for name, value in s3_bucket.env.items():  # the worker's environment selects the same bucket
        monkeypatch.setenv(name, value)
    request.getfixturevalue("worker_queue")()
    client = Client()
    log = tmp_path / "worker.log"

    def served():
        response = client.get(URL)
        return response.status_code == 200 and b"".join(response.streaming_content)

    assert client.get(URL).status_code == 202
    body = _wait(served, timeout=90, log_path=log, what="the booklet rendered by the worker")
    document = StoredDocument.objects.get(kind="booklet", language="en")
    assert s3_bucket.read(document.file.name) == body  # written by the worker, read by the web process
    assert len(PdfReader(io.BytesIO(body)).pages) == document.page_count
    assert not list(settings.MEDIA_ROOT.rglob("*.pdf"))  # nothing on a machine's disk

    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=document.file.name)  # lost from the bucket
    assert client.get(URL).status_code == 202  # not a 500
    again = _wait(served, timeout=90, log_path=log, what="the lost file rendered again")
    renewed = StoredDocument.objects.get(pk=document.pk)
    assert renewed.file.name != document.file.name
    assert s3_bucket.keys("documents/") == {renewed.file.name}
    assert again.startswith(b"%PDF-")
