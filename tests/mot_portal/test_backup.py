"""`make backup` / `make restore`: the database and the media storage, round trip (SQLite here, PostgreSQL in CI;
files and an S3 bucket), restore refusals, and a backup restored by the commands into a new embedded SQLite."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from mot_portal.backup import BackupError, _counts, _walk, backup_create, backup_restore
from mot_portal.documents.models import StoredDocument
from mot_portal.documents.services import document_request
from projects.services import factsheet_update
from tests.mot_portal.test_documents_storage import BOOKLET_URL, _body

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def content(catalogue, tasks):
    """Records of every kind the catalogue has, a user with an API token, a photo and a rendered PDF."""
    from tests.mot_portal.test_documents import _photo

    factsheet_update(factsheet=catalogue.care, fields={"photo": _photo()})
    user = User.objects.create_user("keeper", password="a-long-test-password-3", is_staff=True)
    Token.objects.create(user=user)
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(username="keeper", ip_address="192.0.2.1", user_agent="test", failures_since_start=2)
    with tasks():
        document_request(kind="booklet", object_id=catalogue.booklet.pk, language="fr")
    assert StoredDocument.objects.get(kind="booklet", language="fr").status == StoredDocument.State.READY
    return catalogue


def _files() -> dict[str, bytes]:
    return {name: default_storage.open(name, "rb").read() for name in _walk(default_storage)}


def _wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    for name in list(_walk(default_storage)):
        default_storage.delete(name)


def test_backup_then_restore_into_an_empty_database_gives_the_same_records_and_files(
    client, storage_backend, content, tmp_path
):
    counts, files = _counts(None, "default"), _files()
    assert all(counts[label] for label in ("projects.factsheet", "auth.user", "documents.storeddocument"))
    assert len(files) == 3  # the photo, its resized copy and the PDF
    folder = backup_create(root=tmp_path / "backups")
    assert folder.parent == tmp_path / "backups"
    _wipe()
    assert _counts(None, "default")["projects.factsheet"] == 0
    assert _files() == {}
    backup_restore(folder=folder)
    assert _counts(None, "default") == counts
    assert _files() == files
    assert User.objects.get(username="keeper").is_staff
    # Bearer tokens and login-protection records (personal data) are never copied into a backup.
    from axes.models import AccessAttempt

    assert not Token.objects.exists()
    assert not AccessAttempt.objects.exists()
    import gzip

    dump = gzip.decompress((folder / "database.json.gz").read_bytes())
    assert b'"keeper"' in dump
    assert b"192.0.2.1" not in dump
    response = client.get(BOOKLET_URL)  # the restored record serves the restored file
    assert response.status_code == 200
    assert (
        _body(response)
        == default_storage.open(StoredDocument.objects.get(language="fr", kind="booklet").file.name).read()
    )
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(folder=folder)  # never on top of records


def test_a_damaged_backup_is_refused_before_anything_is_written(content, tmp_path):
    folder = backup_create(root=tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    damaged = folder / "media" / manifest["media"][0]["name"]
    damaged.write_bytes(b"not the photo")
    _wipe()
    with pytest.raises(BackupError, match="differs"):
        backup_restore(folder=folder)
    assert _counts(None, "default")["projects.factsheet"] == 0
    assert _files() == {}
    with pytest.raises(CommandError, match="not a complete backup"):
        call_command("restore", str(tmp_path))


def test_the_commands_restore_a_backup_into_a_new_embedded_sqlite_database(content, tmp_path):
    """`make backup` / `make restore` run these commands. The backup made here (on PostgreSQL in CI) is restored
    into a new SQLite database with files under a new MEDIA_ROOT: the format is portable."""
    call_command("backup", "--root", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    fresh = tmp_path / "fresh"
    fresh.mkdir()  # as `make restore` does (mkdir -p var)
    unset = {"DATABASE_URL", "CELERY_BROKER_URL", "STORAGE_BACKEND", "AWS_STORAGE_BUCKET_NAME", "DJANGO_ENV"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(VAR_DIR=str(fresh), MEDIA_ROOT=str(fresh / "media"))

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "Restored" in manage("restore", str(folder))
    assert (fresh / "db.sqlite3").exists()
    again = manage("backup", "--root", str(fresh / "backups")).strip().splitlines()[-1]
    original = json.loads((folder / "manifest.json").read_text())
    restored = json.loads((fresh / "backups" / again.rsplit("/", 1)[-1] / "manifest.json").read_text())
    assert restored["database"]["vendor"] == "sqlite"
    counts = restored["database"]["counts"]
    assert counts.pop("auth.group") >= original["database"]["counts"].pop("auth.group")  # migrate makes the groups
    assert counts == original["database"]["counts"]
    assert restored["media"] == original["media"]  # same names, sizes and SHA-256
