"""PDF documents through the real pipeline: Redis, a Celery worker process started here, PostgreSQL in CI.

The worker listens on a queue of its own, reads the test database and writes into the test's media folder.
"""

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from mot_portal.celery import app
from mot_portal.documents.models import StoredDocument, WorkerHeartbeat
from mot_portal.publishing import Status, status_change
from projects.models import BookletEntry
from tests.conftest import require_service
from tests.factories import bulk_factsheets
from tests.mot_portal.test_documents import contents_entries
from tests.mot_portal.test_services import _database_url_of_the_test_database, _redis_reachable

pytestmark = pytest.mark.django_db(transaction=True)

State = StoredDocument.State


# The lease of a render, short here, so that a render whose worker was killed is taken over within seconds.
LEASE = {"PDF_RENDER_LEASE_SECONDS": "6", "PDF_RENDER_HEARTBEAT_SECONDS": "1", "PDF_WORKER_HEARTBEAT_SECONDS": "1"}


def _process_env(queue: str, **extra: str) -> dict:
    """The environment of a worker or beat process of this test: its database, media folder and queues (the
    light queue, and ``<queue>-documents`` for rendering)."""
    return {
        **os.environ,
        "DATABASE_URL": _database_url_of_the_test_database(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_DOCUMENTS_QUEUE": f"{queue}-documents",
        "PDF_RENDER_ON_PUBLISH": "0",
        **LEASE,
        **extra,
    }


class Worker:
    """A Celery worker process consuming both queues of a test; ``kill()`` sends SIGKILL, as a crash or an OOM kill
    would."""

    def __init__(self, queue: str, log_path, *, visibility_timeout: int):
        env = _process_env(
            queue,
            # Short, so that a task whose worker was killed is handed again within seconds.
            CELERY_VISIBILITY_TIMEOUT=str(visibility_timeout),
            CELERY_UNACKED_RESTORE_INTERVAL="1",
            CELERY_UNACKED_RESTORE_THROTTLE="1",
        )
        self.name = f"{queue}-{uuid.uuid4().hex[:6]}@test"
        self.log = open(log_path, "a")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mot_portal", "worker", "--pool=solo", "--loglevel=INFO",
             "-Q", f"{queue},{queue}-documents", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", self.name],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


class Beat(Worker):
    """Celery beat, sending the reconciliation every second to the test's light queue."""

    def __init__(self, queue: str, log_path, schedule_path):
        self.name = "beat"
        self.log = open(log_path, "a")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mot_portal", "beat", "--loglevel=INFO", "-s", str(schedule_path)],
            cwd=settings.BASE_DIR,
            env=_process_env(queue, PDF_RECONCILE_SECONDS="1"),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


@pytest.fixture
def worker_queue(tmp_path, settings):
    """``start()`` a worker on queues of this test (``start.beat()`` starts Celery beat); the test process routes
    its tasks there and uses the same short lease."""
    broker = settings.CELERY_BROKER_URL
    require_service(_redis_reachable(broker), "no Redis broker (set CELERY_BROKER_URL=redis://…)")
    queue = f"test-pdf-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue, app.conf.task_routes
    _route(queue, {"mot_portal.render_document": {"queue": f"{queue}-documents"}})
    settings.DOCUMENTS_QUEUE = f"{queue}-documents"
    for name, value in LEASE.items():
        setattr(settings, name, float(value))
    processes: list[Worker] = []

    def start(visibility_timeout: int = 60) -> Worker:
        worker = Worker(queue, tmp_path / "worker.log", visibility_timeout=visibility_timeout)
        processes.append(worker)
        return worker

    def beat() -> Beat:
        process = Beat(queue, tmp_path / "worker.log", tmp_path / "beat-schedule")
        processes.append(process)
        return process

    start.beat = beat
    yield start
    for process in processes:
        process.stop()
    _route(*previous)


def _route(default_queue: str, routes: dict) -> None:
    """Send this process's tasks to these queues (Celery caches its router)."""
    app.conf.task_default_queue, app.conf.task_routes = default_queue, routes
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()


def _wait(predicate, *, timeout: float, log_path=None, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    if log_path is not None and log_path.exists():
        print(log_path.read_text()[-5000:])
    pytest.fail(f"timed out waiting for {what}")


def _is_complete_pdf(body: bytes) -> bool:
    if not body.startswith(b"%PDF-") or b"%%EOF" not in body[-1024:]:
        return False
    PdfReader(io.BytesIO(body)).pages  # noqa: B018  (parses the whole cross-reference table)
    return True


def test_a_real_worker_renders_a_booklet_in_english(worker_queue, catalogue, tmp_path):
    worker_queue()
    client = Client()
    response = client.get("/api/v1/booklets/livret/pdf/en/")
    assert response.status_code == 202  # rendering happens in the worker, never in the request
    assert response["Retry-After"]
    response = _wait(
        lambda: (r := client.get("/api/v1/booklets/livret/pdf/en/")).status_code == 200 and r,
        timeout=90,
        log_path=tmp_path / "worker.log",
        what="the booklet to be rendered",
    )
    body = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(body))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert [title for title, _page in contents_entries(pages)] == [
        "Covoiturage des travailleurs frontaliers",  # no English title: the French one stands in
        "Cross-border health centre",
    ]
    assert "Cross-border health centre" in text
    assert "Covoiturage des travailleurs frontaliers" in text
    assert "Secret draft" not in text
    assert reader.trailer["/Root"]["/Lang"] == "en"
    document = StoredDocument.objects.get(kind="booklet", language="en")
    assert (document.status, document.render_count, document.page_count) == (State.READY, 1, len(reader.pages))
    assert document.render_seconds > 0
    # Asking again renders nothing.
    assert client.get("/api/v1/booklets/livret/pdf/en/").status_code == 200
    time.sleep(1)
    assert StoredDocument.objects.get(pk=document.pk).render_count == 1


def test_killing_the_worker_mid_render_ends_ready_and_no_reader_gets_a_partial_file(worker_queue, catalogue, tmp_path):
    # A booklet long enough to be caught while rendering.
    extra = bulk_factsheets(120, towns=catalogue.towns, countries=[catalogue.belgium], themes=[catalogue.health])
    BookletEntry.objects.bulk_create(
        BookletEntry(booklet=catalogue.booklet, factsheet=f, position=10 + n) for n, f in enumerate(extra)
    )
    log = tmp_path / "worker.log"
    first = worker_queue(visibility_timeout=4)
    client = Client()
    bodies: list[tuple[int, bytes]] = []
    stop = threading.Event()

    def reader():
        reader_client = Client()
        try:
            while not stop.is_set():
                response = reader_client.get("/en/documents/booklet/livret/fr/")
                body = b"".join(response.streaming_content) if response.status_code == 200 else b""
                bodies.append((response.status_code, body))
                time.sleep(0.05)
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=reader, daemon=True)
    assert client.get("/api/v1/booklets/livret/pdf/fr/").status_code == 202
    thread.start()
    try:
        _wait(
            lambda: StoredDocument.objects.filter(kind="booklet", language="fr", status=State.RENDERING).exists(),
            timeout=60,
            log_path=log,
            what="the render to start",
        )
        time.sleep(0.5)
        first.kill()
        document = StoredDocument.objects.get(kind="booklet", language="fr")
        assert document.status == State.RENDERING  # the dead worker finished nothing
        assert not document.file
        worker_queue(visibility_timeout=4)
        _wait(
            lambda: StoredDocument.objects.filter(pk=document.pk, status=State.READY).exists(),
            timeout=180,
            log_path=log,
            what="the document to be ready after the restart",
        )
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join(timeout=30)
    document = StoredDocument.objects.get(pk=document.pk)
    assert document.attempts >= 2
    assert document.page_count > 100
    statuses = {status for status, _body in bodies}
    assert statuses <= {200, 202}
    assert 202 in statuses
    complete = [body for status, body in bodies if status == 200]
    assert all(_is_complete_pdf(body) for body in complete)
    # No temporary file left beside the document.
    folder = settings.MEDIA_ROOT / "documents" / "booklet"
    assert not [p for p in folder.iterdir() if p.name.startswith(".rendering-")]


def test_an_edit_after_commit_renders_exactly_once_more(worker_queue, catalogue, tmp_path, settings):
    worker_queue()
    client = Client()
    client.get("/api/v1/factsheets/maison-de-sante/pdf/en/")
    log = tmp_path / "worker.log"
    _wait(
        lambda: StoredDocument.objects.filter(kind="factsheet", status=State.READY).exists(),
        timeout=60,
        log_path=log,
        what="the first render",
    )
    document = StoredDocument.objects.get(kind="factsheet", object_id=catalogue.care.pk, language="en")
    catalogue.care.title_en = "Cross-border health centre (new name)"
    catalogue.care.save()  # committed: the refresh is queued on commit
    _wait(
        lambda: StoredDocument.objects.filter(pk=document.pk, render_count=2, status=State.READY).exists(),
        timeout=60,
        log_path=log,
        what="the re-render",
    )
    catalogue.care.save()  # unchanged
    status_change(obj=catalogue.care, status=Status.PUBLISHED)  # already published: nothing happens
    time.sleep(3)
    assert StoredDocument.objects.get(pk=document.pk).render_count == 2
    body = b"".join(client.get("/api/v1/factsheets/maison-de-sante/pdf/en/").streaming_content)
    assert "(new name)" in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    # Publishing prepares both languages at once when PDF_RENDER_ON_PUBLISH is set (the default with a broker).
    settings.PDF_RENDER_ON_PUBLISH = True
    status_change(obj=catalogue.draft, status=Status.PUBLISHED)
    _wait(
        lambda: (
            StoredDocument.objects.filter(kind="factsheet", object_id=catalogue.draft.pk, status=State.READY).count()
            == 2
        ),
        timeout=60,
        log_path=log,
        what="the documents of the newly published factsheet",
    )


def test_a_render_whose_worker_was_killed_is_taken_over_by_a_new_worker_within_60_s(worker_queue, catalogue, tmp_path):
    """The whole worker is killed with SIGKILL mid-render and a new one started, with Celery beat: the render's
    heartbeat stops, its lease (6 s here, 30 s by default) runs out, the reconciliation queues it again and the
    new worker renders it, long before the Redis visibility timeout (1,200 s by default) would hand the message
    back. No reader asks meanwhile. The message handed back meanwhile renders nothing twice."""
    extra = bulk_factsheets(120, towns=catalogue.towns, countries=[catalogue.belgium], themes=[catalogue.health])
    BookletEntry.objects.bulk_create(
        BookletEntry(booklet=catalogue.booklet, factsheet=f, position=10 + n) for n, f in enumerate(extra)
    )
    log = tmp_path / "worker.log"
    first = worker_queue(visibility_timeout=8)
    assert Client().get("/api/v1/booklets/livret/pdf/fr/").status_code == 202
    rendering = StoredDocument.objects.filter(kind="booklet", language="fr", status=State.RENDERING)
    started = _wait(lambda: rendering.first(), timeout=60, log_path=log, what="the render to start")
    # The worker beats while it renders (every second here), and notes that it consumes both queues.
    _wait(
        lambda: rendering.filter(heartbeat_at__gt=started.heartbeat_at).exists(),
        timeout=20,
        log_path=log,
        what="the render's heartbeat",
    )
    seen = WorkerHeartbeat.objects.get(name=first.name)
    assert set(seen.queues.strip(",").split(",")) == {app.conf.task_default_queue, settings.DOCUMENTS_QUEUE}
    first.kill()
    document = StoredDocument.objects.get(kind="booklet", language="fr")
    assert (document.status, document.file.name) == (State.RENDERING, "")  # the dead worker finished nothing
    killed_at = time.monotonic()
    worker_queue(visibility_timeout=8)
    worker_queue.beat()
    _wait(
        lambda: StoredDocument.objects.filter(pk=document.pk, status=State.READY).exists(),
        timeout=80,
        log_path=log,
        what="the render to be taken over",
    )
    taken_over = time.monotonic() - killed_at
    print(f"render taken over and finished {taken_over:.1f} s after the kill")
    assert taken_over < 60
    document.refresh_from_db()
    assert document.page_count > 100
    assert document.render_count == 1
    # The message the dead worker held comes back (visibility timeout 8 s here): it renders nothing again.
    _wait(
        lambda: len(re.findall(r"mot_portal\.render_document\[[^]]+\] succeeded", log.read_text())) >= 2,
        timeout=30,
        log_path=log,
        what="the redelivered message",
    )
    time.sleep(1)
    document.refresh_from_db()
    assert document.render_count == 1
    assert document.status == State.READY


def test_with_no_worker_the_status_page_stops_refreshing_and_says_so(worker_queue, catalogue, settings):
    """A worker that stopped cleanly says so at once; with none seen, a document queued longer than the bound
    answers 503 with a page that does not refresh."""
    settings.PDF_WORKER_SEEN_SECONDS = 2
    worker = worker_queue()
    _wait(lambda: WorkerHeartbeat.objects.filter(name=worker.name).exists(), timeout=30, what="the worker")
    worker.stop()
    assert not WorkerHeartbeat.objects.filter(name=worker.name).exists()
    client = Client()
    assert client.get("/en/documents/factsheet/maison-de-sante/en/").status_code == 202  # queued, not rendered
    time.sleep(2.5)
    response = client.get("/en/documents/factsheet/maison-de-sante/en/")
    assert response.status_code == 503
    assert "is not running" in response.content.decode()
    assert 'http-equiv="refresh"' not in response.content.decode()
