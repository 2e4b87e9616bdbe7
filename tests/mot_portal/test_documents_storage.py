"""Stored PDFs and uploads through Django's storage API, on files and on an S3-compatible bucket (moto, real HTTP):
render, atomic swap, withdraw, a missing file rendered again, downloads and their cache headers, storage outages."""

import io
import time

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from mot_portal.documents import services
from mot_portal.documents.models import StoredDocument
from mot_portal.documents.services import document_render, document_request
from mot_portal.publishing import Status, status_change
from mot_portal.settings import media_storage
from projects.models import Factsheet
from projects.services import factsheet_update
from tests.storage import s3_env

pytestmark = pytest.mark.django_db

State = StoredDocument.State
BOOKLET_URL = "/en/documents/booklet/livret/fr/"
BOOKLET_API = "/api/v1/booklets/livret/pdf/fr/"


def _render(kind: str, object_id: int, language: str, *, force: bool = False) -> StoredDocument:
    document = document_request(kind=kind, object_id=object_id, language=language, force=force)
    return document_render(document_id=document.pk, force=force)


def _stored(document: StoredDocument) -> bytes:
    with default_storage.open(document.file.name, "rb") as handle:
        return handle.read()


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _assert_where_stored(bucket, name: str) -> None:
    """On S3 the file is an object of the bucket and nothing is written under MEDIA_ROOT; on files, the opposite."""
    on_disk = (settings.MEDIA_ROOT / name).exists()
    if bucket is None:
        assert on_disk
    else:
        assert name in bucket.keys("documents/")
        assert not on_disk


def test_a_render_is_stored_and_downloaded_through_the_storage(client, catalogue, storage_backend):
    document = _render("booklet", catalogue.booklet.pk, "fr")
    assert document.status == State.READY
    _assert_where_stored(storage_backend, document.file.name)
    stored = _stored(document)
    assert stored.startswith(b"%PDF")
    response = client.get(BOOKLET_URL)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="booklet-livret-fr.pdf"'
    assert response["ETag"] == f'"{document.rendered_hash}"'
    assert int(response["Content-Length"]) == len(stored)
    assert _body(response) == stored
    api = client.get(BOOKLET_API)
    assert (api.status_code, api["ETag"]) == (200, response["ETag"])
    assert _body(api) == stored
    assert client.get(BOOKLET_URL, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_pdfs_are_revalidated_by_shared_caches_and_unpublished_ones_are_not_revalidated(client, catalogue):
    """``public, no-cache``: a shared cache must ask again each time (no max-age to serve it from), and once the
    object is unpublished the revalidation answers 404, not 304: no cache keeps serving the unpublished PDF."""
    _render("booklet", catalogue.booklet.pk, "fr")
    response = client.get(BOOKLET_URL)
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", "no-cache"}
    not_modified = client.get(BOOKLET_URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304
    assert {part.strip() for part in not_modified["Cache-Control"].split(",")} == {"public", "no-cache"}
    status_change(obj=catalogue.booklet, status=Status.DRAFT)
    assert client.get(BOOKLET_URL, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 404
    assert client.get(BOOKLET_API, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 404


def test_a_new_render_goes_under_a_new_key_and_the_old_one_is_removed_after_commit(
    client, catalogue, storage_backend, django_capture_on_commit_callbacks, monkeypatch
):
    """Never a partial file: the new file is complete in the storage before the row names it (until then the row
    names the old one, complete); the old file is removed only after the swap is committed."""
    first = _render("booklet", catalogue.booklet.pk, "fr")
    old_name, old_bytes = first.file.name, _stored(first)
    seen = {}
    store = services._store_atomically

    def store_then_look(document, key, digest, data):
        name = store(document, key, digest, data)
        seen["new"] = name
        seen["new_bytes"] = default_storage.open(name, "rb").read()
        seen["data"] = data
        row = StoredDocument.objects.get(pk=first.pk)
        seen["row"], seen["row_bytes"] = row.file.name, _stored(row)
        return name

    monkeypatch.setattr(services, "_store_atomically", store_then_look)
    document_request(kind="booklet", object_id=catalogue.booklet.pk, language="fr", force=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = document_render(document_id=first.pk, force=True)  # same content, rendered again
        assert default_storage.exists(old_name)  # not removed before commit
    assert (seen["row"], seen["row_bytes"]) == (old_name, old_bytes)
    assert seen["new_bytes"] == seen["data"]
    assert second.file.name == seen["new"] != old_name  # same content hash, still a key no file had
    assert second.file.name.startswith(f"documents/booklet/livret-fr-{second.rendered_hash[:16]}-")
    assert not default_storage.exists(old_name)
    _assert_where_stored(storage_backend, second.file.name)
    assert _body(client.get(BOOKLET_URL)) == _stored(second) == seen["data"]


def test_a_failed_write_leaves_the_stored_file_and_no_partial_one(catalogue, storage_backend, monkeypatch):
    first = _render("booklet", catalogue.booklet.pk, "fr")

    def disk_failure(storage, name):
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "_sync_to_disk", disk_failure)
    _render("booklet", catalogue.booklet.pk, "fr", force=True)
    document = StoredDocument.objects.get(pk=first.pk)
    assert document.file.name == first.file.name
    _, files = default_storage.listdir("documents/booklet")
    assert files == [first.file.name.rsplit("/", 1)[1]]  # the new file was removed


def test_withdrawing_removes_the_stored_file(client, catalogue, storage_backend, tasks):
    document = _render("booklet", catalogue.booklet.pk, "fr")
    name = document.file.name
    with tasks():
        status_change(obj=catalogue.booklet, status=Status.DRAFT)
    withdrawn = StoredDocument.objects.get(pk=document.pk)
    assert (withdrawn.status, withdrawn.file.name) == (State.WITHDRAWN, "")
    assert not default_storage.exists(name)
    if storage_backend is not None:
        assert storage_backend.keys("documents/") == set()
    assert client.get(BOOKLET_URL).status_code == 404


def test_a_ready_document_whose_file_is_missing_is_rendered_again(client, catalogue, storage_backend, tasks):
    """The crash of the issue: the file deleted from the disk or the bucket answered 500 (FileNotFoundError)
    forever, on the page and the API. Now the document is queued again (202), then served."""
    document = _render("booklet", catalogue.booklet.pk, "fr")
    if storage_backend is None:
        (settings.MEDIA_ROOT / document.file.name).unlink()
    else:
        storage_backend.client.delete_object(Bucket=storage_backend.name, Key=document.file.name)
    with tasks() as log:
        page = client.get(BOOKLET_URL)
        assert page.status_code == 202
        assert "queued for rendering" in page.content.decode()
        lost = StoredDocument.objects.get(pk=document.pk)
        assert (lost.status, lost.file.name, lost.rendered_hash) == (State.QUEUED, "", "")
        api = client.get(BOOKLET_API)  # already queued: the API says so and queues nothing more
        assert (api.status_code, api.json()["status"]) == (202, "queued")
    assert log.names()["render_document"] == 1
    assert log.pdfs == 1
    rendered = StoredDocument.objects.get(pk=document.pk)
    assert rendered.status == State.READY
    _assert_where_stored(storage_backend, rendered.file.name)
    response = client.get(BOOKLET_URL)
    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF")


def test_the_api_renders_a_missing_file_again_too(client, catalogue, storage_backend):
    document = _render("booklet", catalogue.booklet.pk, "fr")
    default_storage.delete(document.file.name)
    api = client.get(BOOKLET_API)
    assert (api.status_code, api.json()["status"], api["Retry-After"]) == (202, "queued", "3")
    assert StoredDocument.objects.get(pk=document.pk).status == State.QUEUED


def test_an_unreachable_bucket_is_a_503_with_retry_after_not_a_500(client, catalogue, s3_bucket, settings):
    import socket

    _render("booklet", catalogue.booklet.pk, "fr")
    with socket.socket() as probe:  # a port nothing listens on: the object store is down
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(s3_env(dead, s3_bucket.name))}
    started = time.perf_counter()
    page = client.get(BOOKLET_URL)
    api = client.get(BOOKLET_API)
    elapsed = time.perf_counter() - started
    assert (page.status_code, page["Retry-After"]) == (503, "30")
    assert "temporarily unavailable" in page.content.decode()
    assert (api.status_code, api.json()["status"], api["Retry-After"]) == (503, "unavailable", "30")
    assert elapsed < 10  # fails fast (bounded retries), not after minutes
    assert StoredDocument.objects.get(kind="booklet", language="fr").status == State.READY  # nothing lost


def test_photos_are_uploaded_to_the_storage_and_laid_out_in_the_pdf(catalogue, storage_backend):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), "teal").save(buffer, format="JPEG")
    photo = SimpleUploadedFile("centre.jpg", buffer.getvalue(), content_type="image/jpeg")
    factsheet_update(factsheet=catalogue.care, fields={"photo": photo})
    factsheet = Factsheet.objects.get(pk=catalogue.care.pk)
    assert default_storage.exists(factsheet.photo.name)
    assert default_storage.exists(factsheet.photo_resized.name)
    if storage_backend is not None:
        assert {factsheet.photo.name, factsheet.photo_resized.name} <= storage_backend.keys()
        assert not (settings.MEDIA_ROOT / factsheet.photo.name).exists()
    document = _render("factsheet", catalogue.care.pk, "en")
    assert document.status == State.READY
    reader = PdfReader(io.BytesIO(_stored(document)))
    assert len([image for page in reader.pages for image in page.images]) == 1


def test_the_admin_shows_the_stored_file(client, catalogue, staff_editor, storage_backend):
    document = _render("booklet", catalogue.booklet.pk, "fr")
    client.force_login(staff_editor)
    page = client.get(f"/en/admin/documents/storeddocument/{document.pk}/change/").content.decode()
    assert document.file.name in page
    assert "missing from the storage" not in page
    default_storage.delete(document.file.name)
    page = client.get(f"/en/admin/documents/storeddocument/{document.pk}/change/").content.decode()
    assert "missing from the storage" in page


def test_the_storage_is_chosen_by_the_environment():
    assert media_storage({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = media_storage({"AWS_STORAGE_BUCKET_NAME": "portal", "AWS_S3_ENDPOINT_URL": "http://minio:9000"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (s3["OPTIONS"]["bucket_name"], s3["OPTIONS"]["endpoint_url"]) == ("portal", "http://minio:9000")
    assert s3["OPTIONS"]["default_acl"] is None  # the bucket stays private
    assert s3["OPTIONS"]["querystring_auth"] is True
    assert media_storage({"STORAGE_BACKEND": "filesystem", "AWS_STORAGE_BUCKET_NAME": "x"})["BACKEND"].endswith(
        "FileSystemStorage"
    )
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        media_storage({"STORAGE_BACKEND": "s3"})
    with pytest.raises(ImproperlyConfigured, match="STORAGE_BACKEND"):
        media_storage({"STORAGE_BACKEND": "ftp"})


def test_the_url_fetcher_reads_only_images_of_the_storage(storage_backend):
    from PIL import Image

    from mot_portal.documents.rendering import pdf_render

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    default_storage.save("factsheets/resized/red.png", io.BytesIO(buffer.getvalue()))
    default_storage.save("documents/booklet/secret.pdf", io.BytesIO(b"%PDF-1.7 draft"))
    probes = ["portal-media:../../../../etc/passwd", "portal-media:/etc/hostname.png", "portal-media:a//b.png",
              "portal-media:documents/booklet/secret.pdf", "portal-media:factsheets/missing.png"]  # fmt: skip
    images = "".join(f'<img src="{url}" alt="">' for url in [*probes, "portal-media:factsheets/resized/red.png"])
    rendered = pdf_render(f'<html lang="en"><head><title>Probe</title></head><body><p>Probe</p>{images}</body></html>')
    assert set(probes) <= set(rendered.refused)
    assert "portal-media:factsheets/resized/red.png" not in rendered.refused
    reader = PdfReader(io.BytesIO(rendered.data))
    assert len([image for page in reader.pages for image in page.images]) == 1


def test_the_compose_stack_points_the_app_at_its_minio_bucket():
    """The environment docker-compose.yml gives the app (defaults of its ${…} filled in) selects the MinIO bucket
    the init step creates: a renamed variable or bucket would leave the stack writing nowhere."""
    import re

    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    app = compose["x-app"]

    def resolved(value) -> str:
        return re.sub(r"\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}", lambda m: m.group(2) or f"<{m.group(1)}>", str(value))

    env = {key: resolved(value) for key, value in app["environment"].items()}
    options = media_storage(env)["OPTIONS"]
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["bucket_name"] == "portal"
    assert options["secret_key"] == "<MINIO_ROOT_PASSWORD>"
    assert (options["custom_domain"], options["url_protocol"], options["querystring_auth"]) == (
        "localhost:9000/portal",
        "http:",
        False,
    )
    assert options["client_config"].s3 == {"addressing_style": "path"}
    init = " ".join(compose["services"]["minio-init"]["command"])
    assert f"mc mb --ignore-existing local/{options['bucket_name']}" in init
    # Anyone may read a photo, no one may list the bucket or read a PDF (or anything else) from it.
    import json

    policy = json.loads(re.search(r"printf '%s' '(\{.*?\})'", init).group(1))
    assert "mc anonymous set-json" in init
    assert "anonymous set download" not in init
    (statement,) = policy["Statement"]
    assert statement["Action"] == ["s3:GetObject"]
    assert statement["Resource"] == ["arn:aws:s3:::portal/factsheets/*", "arn:aws:s3:::portal/booklets/*"]
    assert compose["services"]["minio"]["ports"] == ["127.0.0.1:9000:9000"]
    assert "anonymous set download local/portal/documents" not in init  # the PDFs stay private
    assert "minio-init" in app["depends_on"]
    assert "media" not in compose["volumes"]
    assert "volumes" not in app  # no media volume: every container shares the bucket


def test_a_bucket_that_stops_answering_mid_render_is_retried_not_failed(catalogue, s3_bucket, settings):
    """A bucket that accepts the connection but never answers (a read timeout, not a refused connection): the render
    gives its lease back and the task is retried; the document is not marked failed for good."""
    import socket
    import threading

    from mot_portal.documents.services import TRANSIENT_ERRORS, document_render

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    accepted = []
    threading.Thread(target=lambda: [accepted.append(silent.accept()) for _ in range(8)], daemon=True).start()
    env = {**s3_env(f"http://127.0.0.1:{silent.getsockname()[1]}", s3_bucket.name), "AWS_S3_READ_TIMEOUT": "0.5"}
    env["AWS_S3_MAX_ATTEMPTS"] = "1"
    document = document_request(kind="factsheet", object_id=catalogue.care.pk, language="en")
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(env)}
    try:
        with pytest.raises(TRANSIENT_ERRORS):
            document_render(document_id=document.pk)
    finally:
        silent.close()
    document.refresh_from_db()
    assert document.status == State.QUEUED  # given back: the retry (or the reconciliation) renders it
    assert not document.error
