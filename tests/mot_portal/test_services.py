"""The real components: PostgreSQL in CI, Celery with Redis and a real worker process."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from mot_portal.celery import app
from mot_portal.tasks import health
from tests.conftest import IN_CI, require_service

pytestmark = pytest.mark.django_db


def test_ci_runs_on_postgresql():
    """CI must prove the portal on PostgreSQL, not on the SQLite default."""
    if not IN_CI and connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    assert connection.vendor == "postgresql"


def test_health_task_runs_in_process():
    """Without a broker (a fresh machine) `.delay()` runs eagerly; `.apply()` always runs in process."""
    from django.conf import settings

    expected = {"status": "ok", "database": connection.vendor}
    if not settings.CELERY_BROKER_URL:
        assert app.conf.task_always_eager
        assert health.delay().get(timeout=5) == expected
    assert health.apply().get(timeout=5) == expected


def test_tasks_take_json_only():
    """A task takes ids and codes, never a model instance, and a worker refuses pickled messages."""
    from kombu.exceptions import ContentDisallowed, EncodeError
    from kombu.serialization import dumps, loads

    from towns.models import Country

    with pytest.raises(EncodeError):
        dumps([Country(code="BE")], serializer=app.conf.task_serializer)
    body = __import__("pickle").dumps({"task": "mot_portal.health"})
    with pytest.raises(ContentDisallowed):
        loads(body, "application/x-python-serialize", "binary", accept=app.conf.accept_content)


def test_every_portal_task_is_redelivered_safely():
    """The portal's tasks are acknowledged late (they are idempotent, so a task whose worker died is run again),
    stop softly before they are killed, and all end before Redis would hand them to a second worker."""
    app.loader.import_default_modules()  # what a worker imports when it starts (the apps' tasks modules)
    tasks = {name: task for name, task in app.tasks.items() if name.startswith("mot_portal.")}
    assert {"mot_portal.health", "mot_portal.render_document", "mot_portal.documents.refresh"} <= set(tasks)
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    for name, task in tasks.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert task.acks_late, name
        assert 0 < soft < hard < visibility, name


def _redis_reachable(url: str) -> bool:
    if not url.startswith("redis"):
        return False
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError:
        return False


def _database_url_of_the_test_database() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return os.environ.get("DATABASE_URL", "")


@pytest.fixture
def celery_worker_process(tmp_path):
    broker = settings.CELERY_BROKER_URL
    require_service(_redis_reachable(broker), "no Redis broker (set CELERY_BROKER_URL=redis://…)")
    env = {**os.environ, "DATABASE_URL": _database_url_of_the_test_database(), "VAR_DIR": str(tmp_path)}
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mot_portal", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{os.getpid()}@%h"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def test_health_task_runs_in_a_real_worker_through_redis(celery_worker_process, tmp_path):
    assert not app.conf.task_always_eager
    started = time.monotonic()
    result = health.delay()
    try:
        value = result.get(timeout=60)
    except Exception:
        print((tmp_path / "worker.log").read_text())
        raise
    assert value == {"status": "ok", "database": connection.vendor}
    assert celery_worker_process.poll() is None
    print(f"health task round trip through Redis: {time.monotonic() - started:.2f} s")
