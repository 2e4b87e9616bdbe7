"""Faults of the PDF pipeline: the broker unavailable (a real dead port, a real Redis killed and started again),
a render's lease, no worker, and the readiness check. Each timing is measured and bounded."""

import datetime
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.utils import timezone
from kombu import pools as kombu_pools
from rest_framework.test import APIClient

from mot_portal.celery import app
from mot_portal.documents import registry, services
from mot_portal.documents.models import PendingRefresh, StoredDocument, WorkerHeartbeat
from mot_portal.documents.rendering import content_hash, pdf_render
from mot_portal.documents.selectors import is_lost, lost_documents
from mot_portal.documents.services import document_render, document_request, documents_reconcile
from mot_portal.documents.tasks import reconcile_documents
from mot_portal.publishing import Status, status_change
from tests.conftest import require_service
from tests.documents import store

pytestmark = pytest.mark.django_db(transaction=True)

State = StoredDocument.State
BOUND = 2.0  # seconds: what a request may cost when the broker is down (19 s before)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reset_connections() -> None:
    """Forget the pooled broker connections (kombu's and the app's), so that the next publish connects to
    ``broker_url``."""
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(settings, monkeypatch):
    """``with broker(url):`` publishes to the Redis at ``url`` (tasks are not run here)."""

    @contextmanager
    def use(url: str):
        previous = app.conf.broker_url, app.conf.task_always_eager
        monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its settings
        app.conf.broker_url, app.conf.task_always_eager = url, False
        settings.CELERY_TASK_ALWAYS_EAGER = False
        _reset_connections()
        try:
            yield
        finally:
            monkeypatch.undo()
            app.conf.broker_url, app.conf.task_always_eager = previous
            _reset_connections()

    return use


class RedisServer:
    """A redis-server of this test's own, on a spare port: killed and started again like a broker that fails."""

    def __init__(self, port: int, tmp_path):
        self.port, self.tmp_path, self.process = port, tmp_path, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.tmp_path)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def queued(self, queue: str) -> int:
        return redis.Redis(port=self.port).llen(queue)


@pytest.fixture
def staff_editor(django_user_model):
    """An editor (the groups the migrations create are flushed by transactional tests: a superuser here)."""
    return django_user_model.objects.create_superuser("editor", password="a-long-test-password-1")


@pytest.fixture
def own_redis(tmp_path):
    require_service(shutil.which("redis-server") is not None, "no redis-server to start")
    server = RedisServer(_free_port(), tmp_path)
    yield server
    server.kill()


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


# --- Broker unavailable -----------------------------------------------------------------------------------------


def test_with_the_broker_down_a_pdf_request_says_unavailable_within_2_s_and_never_passes_for_queued(catalogue, broker):
    with broker(f"redis://127.0.0.1:{_free_port()}/0"):  # nothing listens there
        response, elapsed = _timed(lambda: Client().get("/en/documents/factsheet/maison-de-sante/en/"))
        assert response.status_code == 503
        assert elapsed < BOUND, elapsed
        assert response["Retry-After"] == "60"
        page = response.content.decode()
        assert "PDF temporarily unavailable" in page
        assert "cannot be reached" in page
        assert 'http-equiv="refresh"' not in page  # a page that cannot succeed does not refresh itself
        document = StoredDocument.objects.get(kind="factsheet", language="en")
        assert document.status == State.QUEUED
        assert document.dispatched_at is None
        assert document.queue_failed  # recorded: nothing was queued
        assert is_lost(document)
        assert document in lost_documents()

        # Asking again tries again (still fast), in French too, and through the API.
        response, elapsed = _timed(lambda: Client().get("/fr/documents/factsheet/maison-de-sante/fr/"))
        assert (response.status_code, elapsed < BOUND) == (503, True), elapsed
        assert "PDF momentanément indisponible" in response.content.decode()
        api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        response, elapsed = _timed(lambda: api.get("/api/v1/factsheets/maison-de-sante/pdf/en/"))
        assert (response.status_code, elapsed < BOUND) == (503, True), elapsed
        assert response["Retry-After"] == "60"
        assert response.json()["retry_after"] == 60
        assert "temporarily unavailable" in response.json()["detail"]


def test_with_the_broker_down_edits_and_publishing_succeed_quickly_and_their_refreshes_wait(
    catalogue, broker, staff_editor, settings
):
    store(("factsheet", catalogue.care.pk))  # rendered before the broker went down
    api = APIClient()
    api.force_authenticate(staff_editor)
    with broker(f"redis://127.0.0.1:{_free_port()}/0"):
        response, elapsed = _timed(
            lambda: api.patch("/api/v1/factsheets/maison-de-sante/", {"title_en": "New name"}, format="json")
        )
        assert response.status_code == 200
        assert elapsed < BOUND, elapsed
        assert set(PendingRefresh.objects.values_list("kind", "object_id")) >= {("factsheet", catalogue.care.pk)}
        # Publishing too (its PDFs are prepared on publish).
        settings.PDF_RENDER_ON_PUBLISH = True
        _result, elapsed = _timed(lambda: status_change(obj=catalogue.draft, status=Status.PUBLISHED))
        assert elapsed < BOUND, elapsed
        assert PendingRefresh.objects.filter(kind="factsheet", object_id=catalogue.draft.pk, create=True).exists()


def test_when_the_broker_comes_back_what_was_missed_is_queued(catalogue, broker, own_redis, staff_editor):
    store(("factsheet", catalogue.care.pk))
    api = APIClient()
    api.force_authenticate(staff_editor)
    own_redis.start()
    own_redis.kill()  # the broker was there, and died
    with broker(own_redis.url):
        assert Client().get("/en/documents/booklet/livret/en/").status_code == 503
        assert (
            api.patch("/api/v1/factsheets/maison-de-sante/", {"title_en": "Renamed"}, format="json").status_code == 200
        )
        care = StoredDocument.objects.get(kind="factsheet", object_id=catalogue.care.pk, language="en")
        assert care.status == State.READY  # its refresh waits in the database
        pending = {("factsheet", catalogue.care.pk), ("booklet", catalogue.booklet.pk)}  # the booklet shows it
        assert set(PendingRefresh.objects.values_list("kind", "object_id")) == pending

        own_redis.start()  # back, empty
        # The next reader queues its document for real.
        response, elapsed = _timed(lambda: Client().get("/en/documents/booklet/livret/en/"))
        assert response.status_code == 202, response.content
        assert elapsed < BOUND
        booklet = StoredDocument.objects.get(kind="booklet", language="en")
        assert booklet.status == State.QUEUED
        assert booklet.dispatched_at is not None
        assert not booklet.queue_failed
        assert own_redis.queued("documents") == 1
        # The reconciliation (what beat runs) refreshes what the edit changed: the English factsheet is queued
        # again; the French one does not show the English title, and the booklet was just queued with it.
        reconcile_documents.apply()
        assert not PendingRefresh.objects.exists()
        care = StoredDocument.objects.get(pk=care.pk)
        assert care.status == State.QUEUED
        assert care.dispatched_at is not None
        assert StoredDocument.objects.get(kind="factsheet", object_id=catalogue.care.pk, language="fr").is_ready
        assert own_redis.queued("documents") == 2
        assert documents_reconcile() == {"refreshed": 0, "requeued": 0}  # nothing twice
        assert own_redis.queued("documents") == 2


def test_the_reconciliation_queues_again_a_document_whose_queueing_failed(catalogue, broker, own_redis):
    own_redis.start()
    own_redis.kill()
    with broker(own_redis.url):
        document = document_request(kind="factsheet", object_id=catalogue.care.pk, language="fr")
        document.refresh_from_db()
        assert document.queue_failed
        _result, elapsed = _timed(documents_reconcile)  # still down: fast, and the document still waits
        assert elapsed < BOUND
        assert StoredDocument.objects.get(pk=document.pk).queue_failed
        own_redis.start()
        assert documents_reconcile() == {"refreshed": 0, "requeued": 1}
        document.refresh_from_db()
        assert (document.status, document.queue_failed, document.error) == (State.QUEUED, False, "")
        assert own_redis.queued("documents") == 1


# --- The lease of a render ----------------------------------------------------------------------------------------


def test_a_render_under_a_live_lease_is_not_rendered_twice_and_a_lapsed_lease_is_taken_over(catalogue, settings):
    settings.PDF_RENDER_LEASE_SECONDS = 30
    document = document_request(kind="factsheet", object_id=catalogue.care.pk, language="en")
    now = timezone.now()
    StoredDocument.objects.filter(pk=document.pk).update(
        status=State.RENDERING, started_at=now, heartbeat_at=now, attempts=5, file="", rendered_hash=""
    )
    assert document_render(document_id=document.pk) is None  # another worker holds it: a redelivery renders nothing
    document.refresh_from_db()
    assert (document.status, document.attempts, document.file.name) == (State.RENDERING, 5, "")
    assert not is_lost(document)
    assert document not in lost_documents()
    # Its worker stopped beating longer than the lease ago: lost, taken over.
    StoredDocument.objects.filter(pk=document.pk).update(heartbeat_at=now - datetime.timedelta(seconds=31))
    document.refresh_from_db()
    assert is_lost(document)
    assert document in lost_documents()
    rendered = document_render(document_id=document.pk)
    assert (rendered.status, rendered.attempts) == (State.READY, 6)
    assert rendered.file.name


def test_content_that_kills_its_worker_again_and_again_is_marked_failed(catalogue, settings, client):
    """A render whose worker is lost (time or memory limit, a crash) is taken over PDF_RENDER_MAX_TAKEOVERS times,
    then the document fails, instead of holding the PDF queue for ever; new content gets its own chances."""
    from mot_portal.documents.services import document_requeue, documents_reconcile

    settings.PDF_RENDER_LEASE_SECONDS, settings.PDF_RENDER_MAX_TAKEOVERS = 30, 2
    document = document_request(kind="factsheet", object_id=catalogue.care.pk, language="en")
    lapsed = timezone.now() - datetime.timedelta(seconds=31)

    def worker_lost():  # the worker that claimed it died mid-render: it stopped beating
        StoredDocument.objects.filter(pk=document.pk).update(
            status=State.RENDERING, started_at=lapsed, heartbeat_at=lapsed
        )

    worker_lost()
    assert document_requeue(document.pk)  # first loss: taken over by the reconciliation
    worker_lost()
    documents_reconcile()  # second loss
    document.refresh_from_db()
    assert document.takeovers == 2
    assert document.status != State.FAILED
    worker_lost()
    assert document_render(document_id=document.pk) is None  # a redelivered task does not take it a third time
    document.refresh_from_db()
    assert (document.status, document.takeovers) == (State.FAILED, 3)
    assert "stopped 3 times" in document.error
    assert not document_requeue(document.pk)
    response = client.get(f"/en/documents/factsheet/{catalogue.care.slug}/en/")
    assert response.status_code == 503  # "rendering failed": no endless status page
    # Staff fix the content: the new content is rendered (and gets its own chances).
    from projects.services import factsheet_update

    factsheet_update(factsheet=catalogue.care, fields={"title_en": "A shorter factsheet"})
    again = document_request(kind="factsheet", object_id=catalogue.care.pk, language="en")
    assert again.takeovers == 0
    assert again.status in (State.QUEUED, State.READY)  # (rendered at once where tasks run in this process)


def test_an_older_render_finishing_last_does_not_replace_a_newer_file(catalogue):
    """Two renders of different content at once (an edit during a long render): the older one, finishing last,
    leaves the newer file in place."""
    from projects.services import factsheet_update

    old_html = document_request(kind="factsheet", object_id=catalogue.care.pk, language="en").html
    factsheet_update(factsheet=catalogue.care, fields={"title_en": "Newer title"})
    newer = document_request(kind="factsheet", object_id=catalogue.care.pk, language="en")
    newer = document_render(document_id=newer.pk)
    assert newer.status == State.READY
    # The older render finishes now.
    rendered = pdf_render(old_html)
    name = "documents/factsheet/older.pdf"
    (settings.MEDIA_ROOT / name).write_bytes(rendered.data)
    kept = services._swap_in(registry.get("factsheet"), newer.pk, name, content_hash(old_html), rendered, 0.0)
    kept.refresh_from_db()
    assert (kept.file.name, kept.rendered_hash, kept.status) == (newer.file.name, newer.rendered_hash, State.READY)
    assert not (settings.MEDIA_ROOT / name).exists()


# --- No worker ----------------------------------------------------------------------------------------------------


def test_with_no_worker_the_status_page_says_so_after_the_bound_and_stops_refreshing(catalogue, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.PDF_WORKER_SEEN_SECONDS = 60
    document = StoredDocument.objects.create(
        kind="factsheet", object_id=catalogue.care.pk, language="en", title="Health", status=State.QUEUED
    )
    url = "/en/documents/factsheet/maison-de-sante/en/"

    def waited(seconds: int) -> None:
        at = timezone.now() - datetime.timedelta(seconds=seconds)
        StoredDocument.objects.filter(pk=document.pk).update(requested_at=at, dispatched_at=at, html="x")

    waited(10)  # just queued: the page follows it
    response = Client().get(url)
    assert response.status_code == 202
    assert 'http-equiv="refresh"' in response.content.decode()
    waited(61)  # queued for more than the bound, and no worker seen
    response = Client().get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "is not running" in response.content.decode()
    assert 'http-equiv="refresh"' not in response.content.decode()
    response = APIClient().get("/api/v1/factsheets/maison-de-sante/pdf/en/")
    assert (response.status_code, response["Retry-After"]) == (503, "60")
    # A worker of the documents queue seen recently: it is on its way.
    WorkerHeartbeat.objects.create(name="pdf@host", queues=",documents,", seen_at=timezone.now())
    assert Client().get(url).status_code == 202
    WorkerHeartbeat.objects.filter(name="pdf@host").update(seen_at=timezone.now() - datetime.timedelta(minutes=2))
    assert Client().get(url).status_code == 503
    # A worker of the light queue only does not render PDFs.
    WorkerHeartbeat.objects.create(name="light@host", queues=",celery,", seen_at=timezone.now())
    assert Client().get(url).status_code == 503


# --- Readiness ----------------------------------------------------------------------------------------------------


def test_readiness_without_a_broker_checks_database_and_cache(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: tasks run in the calling process
    settings.ALLOWED_HOSTS = ["portal.example"]
    response = client.get("/ready/", HTTP_HOST="10.0.0.7")  # a load balancer calls it by IP
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "broker": "not configured", "worker": "not configured"},
    }
    assert response["Cache-Control"] == "no-store"


def test_readiness_with_the_broker_down_answers_within_2_s(client, broker, settings):
    with broker(f"redis://127.0.0.1:{_free_port()}/0"):
        response, elapsed = _timed(lambda: client.get("/ready/"))
        # By default only the database is required: pages are still served, the node stays in the pool.
        assert (response.status_code, response.json()["status"]) == (200, "degraded")
        settings.READY_REQUIRED = ["database", "cache", "broker", "worker"]
        response, elapsed = _timed(lambda: client.get("/ready/"))
    assert (response.status_code, response.json()["status"]) == (503, "unavailable")
    assert elapsed < BOUND, elapsed
    checks = response.json()["checks"]
    assert (checks["database"], checks["cache"], checks["broker"], checks["worker"]) == (
        "ok",
        "ok",
        "unavailable",
        "unavailable",
    )


def test_readiness_with_a_broker_and_workers_of_both_queues(client, broker, own_redis, settings):
    settings.READY_REQUIRED = ["database", "cache", "broker", "worker"]
    own_redis.start()
    with broker(own_redis.url):
        assert client.get("/ready/").json()["checks"]["broker"] == "ok"
        for name, queues in (("light@host", ",celery,"), ("pdf@host", ",documents,")):
            WorkerHeartbeat.objects.create(name=name, queues=queues, seen_at=timezone.now())
        response = client.get("/ready/")
        assert (response.status_code, response.json()["status"]) == (200, "ready")
        WorkerHeartbeat.objects.filter(name="pdf@host").delete()
        response = client.get("/ready/")
        assert (response.status_code, response.json()["checks"]["worker"]) == (503, "unavailable")
        settings.READY_REQUIRED = ["database", "cache", "broker"]  # the worker reported, not required
        response = client.get("/ready/")
        assert (response.status_code, response.json()["checks"]["worker"]) == (200, "unavailable")
        assert response.json()["status"] == "degraded"
        own_redis.kill()
        response, elapsed = _timed(lambda: client.get("/ready/"))
        assert (response.status_code, response.json()["checks"]["broker"]) == (503, "unavailable")
        assert elapsed < BOUND


def test_readiness_is_checked_at_most_every_memo_seconds(client, settings, monkeypatch):
    from mot_portal import middleware

    calls = []
    database = middleware.CHECKS["database"]
    monkeypatch.setitem(middleware.CHECKS, "database", lambda: calls.append(1) or database())
    monkeypatch.setattr(middleware, "_LAST", {})
    settings.READY_MEMO_SECONDS = 60
    for _ in range(20):  # a load balancer polling, or someone hammering it
        assert client.get("/ready/").status_code == 200
    assert len(calls) == 1
    settings.READY_MEMO_SECONDS = 0
    client.get("/ready/")
    assert len(calls) == 2


# --- The stack ----------------------------------------------------------------------------------------------------


def test_the_compose_stack_runs_a_worker_per_queue_and_one_beat():
    import yaml

    services = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())["services"]
    commands = {name: " ".join(service.get("command") or []) for name, service in services.items()}
    assert "-Q documents" in commands["worker-documents"]
    assert "--concurrency=1" in commands["worker-documents"]
    assert "--max-memory-per-child" in commands["worker-documents"]
    assert "-Q celery" in commands["worker"]
    assert " beat " in commands["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert all("healthcheck" in services[name] for name in ("worker-documents", "worker", "beat"))
    assert [name for name, command in commands.items() if " beat " in command] == ["beat"]
    # The queues the workers consume are the ones tasks are routed to.
    assert settings.CELERY_TASK_ROUTES["mot_portal.render_document"]["queue"] == "documents"
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "celery"
    assert "mot_portal.documents.reconcile" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def test_with_the_broker_down_the_admin_render_action_says_the_pdfs_come_later(catalogue, broker, staff_editor):
    client = Client()
    client.force_login(staff_editor)
    with broker(f"redis://127.0.0.1:{_free_port()}/0"):
        response, elapsed = _timed(
            lambda: client.post(
                "/en/admin/projects/factsheet/",
                {"action": "render_documents", "_selected_action": [catalogue.care.pk]},
                follow=True,
            )
        )
    assert response.status_code == 200
    assert elapsed < 2 * BOUND, elapsed  # two documents, each tried once
    messages = [str(message) for message in response.context["messages"]]
    assert "The PDF service is unavailable at the moment: 2 document(s) will be rendered once it is back." in messages
    assert StoredDocument.objects.filter(kind="factsheet", error__startswith="Could not be queued").count() == 2
