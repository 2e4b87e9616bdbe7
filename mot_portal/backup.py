"""Backups of the whole portal: the database and the media storage (uploads and stored PDFs), into a dated folder.

The database is dumped with ``dumpdata`` and natural keys, not ``pg_dump``: the same backup restores on the
embedded SQLite and on PostgreSQL (either way round), needs no client tools of the database's exact version in
the image, and is read by ``loaddata`` after ``migrate`` made the schema. (For a database of many gigabytes,
``pg_dump -Fc`` and point-in-time recovery are the tools; this portal's data is a few megabytes.) The dump is
read in one transaction (repeatable read on PostgreSQL), so it is consistent. Content types, permissions and
sessions are left out: ``migrate`` makes the first two, and sessions are throwaway.

The media storage is copied through Django's storage API (a listing, then each file), so a filesystem and an
S3-compatible bucket back up and restore alike, and one can be restored into the other. A manifest lists the
record counts per model and each file's size and SHA-256: ``restore`` checks the files before it writes anything
and the counts once the records are loaded. A backup is written under a temporary name and renamed when
complete, so a folder with a manifest is a whole backup.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction

MANIFEST = "manifest.json"
DATABASE_FILE = "database.json.gz"
MEDIA_FOLDER = "media"
# Made by ``migrate`` (content types, permissions), throwaway (sessions), or not to be copied around: API tokens
# (bearer secrets: a restored copy on another machine would accept production's tokens; staff make new ones) and
# the login-protection records (addresses, user agents, usernames tried: personal data kept for minutes).
# What stays is still sensitive (staff accounts with their password hashes): keep backups as the database is kept.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "authtoken.token", "axes"]
# Rows ``migrate`` itself creates (the staff groups): their natural keys make loaddata update them.
CREATED_BY_MIGRATE = {"auth.group"}


class BackupError(Exception):
    """A backup that cannot be made or restored, with the reason."""


def backup_create(*, root: Path, storage: Storage | None = None, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup into a new folder of ``root`` named after the time (UTC); returns the folder."""
    storage = storage or default_storage
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix=f".{stamp}-", dir=root))
    try:
        counts = _dump_database(work / DATABASE_FILE, using)
        files = [_copy_out(storage, name, work / MEDIA_FOLDER) for name in sorted(_walk(storage))]
        manifest = {
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": {"vendor": connections[using].vendor, "file": DATABASE_FILE, "counts": counts},
            "storage": f"{type(storage).__module__}.{type(storage).__name__}",
            "media": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        target = root / stamp
        suffix = 1
        while target.exists():
            suffix += 1
            target = root / f"{stamp}-{suffix}"
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def backup_restore(*, folder: Path, storage: Storage | None = None, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore a backup into an empty database (its schema is migrated first) and the media storage. Refuses a
    database that already holds records, and a backup whose files do not match their manifest. Returns the
    manifest."""
    storage = storage or default_storage
    manifest = _manifest(folder)
    for entry in manifest["media"]:  # every file checked before anything is written
        if _digest(_safe_path(folder / MEDIA_FOLDER, entry["name"])) != entry["sha256"]:
            raise BackupError(f"{entry['name']}: the file differs from the backup's manifest")
    call_command("migrate", interactive=False, verbosity=0, database=using)
    expected = manifest["database"]["counts"]
    filled = {
        label: count
        for label in expected
        if label not in CREATED_BY_MIGRATE and (count := _model(label)._base_manager.using(using).count())
    }
    if filled:
        raise BackupError(
            "The database is not empty (" + ", ".join(f"{label}: {n}" for label, n in sorted(filled.items())) + "); "
            "restore into an empty database (e.g. a new one, or after `manage.py flush`)."
        )
    for entry in manifest["media"]:  # files first: once the records say a file exists, it does
        _copy_in(storage, entry, folder / MEDIA_FOLDER)
    try:
        call_command("loaddata", str(folder / manifest["database"]["file"]), verbosity=0, database=using)
    finally:
        cache.clear()  # pages and figures cached before the restore describe other records (even a failed one)
    counts = _counts(expected, using)
    # Rows migrate made are kept beside those of the backup (updated when the backup has them too).
    wrong = {
        label: (counts[label], n)
        for label, n in expected.items()
        if counts[label] != n and not (label in CREATED_BY_MIGRATE and counts[label] > n)
    }
    if wrong:
        raise BackupError(f"Restored record counts differ from the backup (restored, expected): {wrong}")
    return manifest


def _dump_database(path: Path, using: str) -> dict[str, int]:
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":  # one snapshot for every table (must open the transaction)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            output=str(path),
            database=using,
            verbosity=0,
        )
        return _counts(None, using)


def _counts(labels, using: str) -> dict[str, int]:
    """Records per model (``app_label.model``) of the models a dump holds."""
    if labels is None:
        models = [
            model
            for model in apps.get_models()
            if model._meta.app_label not in EXCLUDED and model._meta.label_lower not in EXCLUDED
            if not model._meta.proxy and model._meta.managed
        ]
    else:
        models = [_model(label) for label in labels]
    return {model._meta.label_lower: model._base_manager.using(using).count() for model in models}


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        raise BackupError(f"The backup holds {label}, which this version of the portal does not have.") from None


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a complete backup (no {MANIFEST}).") from None
    except ValueError as exc:
        raise BackupError(f"{folder / MANIFEST}: {exc}") from None


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name of a storage (a folder tree on disk, a key listing in a bucket)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # no media folder yet
        return
    for name in files:
        yield posixpath.join(folder, name)
    for child in folders:
        yield from _walk(storage, posixpath.join(folder, child))


def _safe_path(root: Path, name: str) -> Path:
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()):
        raise BackupError(f"Refused file name {name!r}")
    return path


def _copy_out(storage: Storage, name: str, root: Path) -> dict:
    target = _safe_path(root, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as source, open(target, "wb") as output:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
            output.write(chunk)
            size += len(chunk)
    return {"name": name, "size": size, "sha256": digest.hexdigest()}


def _copy_in(storage: Storage, entry: dict, root: Path) -> None:
    name = entry["name"]
    if storage.exists(name):
        with storage.open(name, "rb") as current:
            if _digest_of(current) == entry["sha256"]:
                return  # already there (a restore run again)
        storage.delete(name)
    with open(_safe_path(root, name), "rb") as source:
        saved = storage.save(name, File(source))
    if saved != name:
        raise BackupError(f"The storage stored {name} as {saved}")


def _digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return _digest_of(handle)


def _digest_of(handle) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(1024 * 1024):
        digest.update(chunk)
    return digest.hexdigest()
