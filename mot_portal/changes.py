"""Changes to the portal's content, collected per transaction and handed over once, after commit.

Every model of the domain apps is tracked (``track``): a save, a delete or a many-to-many change records the
record (and, for a *part* such as a factsheet's town row, its owner) in the transaction's change set. When the
transaction commits, the change set goes to the subscribers once (the PDF documents subscribe, see
``mot_portal.documents.invalidation``), and the content version of what changed is bumped (``content_changed``),
so a cache keyed on ``content_version`` shows the change on the next request. A rolled-back transaction hands
over nothing. Writes that go around the model signals (``bulk_create``, ``QuerySet.update``) call ``record``.

Why one change set per transaction: an admin edit saves a record, sets two many-to-many relations and saves its
inline rows; an import saves hundreds of rows. Each write is recorded, but what depends on them is worked out and
queued once, after commit, and never for a transaction that did not commit.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_init, post_save, pre_delete, pre_save

from mot_portal.publishing import is_publishable

logger = logging.getLogger(__name__)

ALL = None  # "every field may have changed"
CONTENT_VERSION_PREFIX = "content-version:"
# The content kind every change bumps: what a whole page (which may show anything) is cached under.
SITE = "site"
CONTENT_VERSION_TIMEOUT = None  # kept until bumped (a lost key only starts a new version: see content_version)


@dataclass
class ChangeSet:
    """What one transaction changed.

    ``saved``: model → {pk: the fields that changed, or ALL when unknown}, for records that exist after commit.
    ``resolved``: what subscribers worked out before commit (e.g. the documents showing a record being deleted).
    ``labels``: content labels (app label and model label) whose content version is bumped.
    ``published``: (model, pk) of publishable records whose publication status changed (published or withdrawn).
    ``memo``: what a subscriber looked up once for the whole transaction.
    """

    saved: dict[type[Model], dict[int, set[str] | None]] = field(default_factory=lambda: defaultdict(dict))
    resolved: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    labels: set[str] = field(default_factory=set)
    published: set[tuple[type[Model], object]] = field(default_factory=set)
    memo: dict = field(default_factory=dict)

    def add(self, model: type[Model], pks: Iterable, fields: Iterable[str] | None = ALL) -> None:
        fields = None if fields is None else set(fields)
        entries = self.saved[model]
        for pk in pks:
            if pk is None:
                continue
            if fields is None or (pk in entries and entries[pk] is None):
                entries[pk] = None
            else:
                entries[pk] = (entries.get(pk) or set()) | fields
        self.labels.update(_labels(model))

    def __bool__(self) -> bool:
        return bool(self.saved or self.resolved or self.labels)

    def with_owners(self) -> dict[type[Model], dict[int, set[str] | None]]:
        """``saved`` with the owners of the changed parts added (as changed, every field), level by level until
        no new owner comes: a mission event's participants row makes its event changed, and so its mission. One
        query per part model and level. (A deleted part's owner, and the owner a part left, were recorded when it
        happened: the row is gone or points elsewhere now.)"""
        saved = {model: dict(entries) for model, entries in self.saved.items()}
        expanded: set[tuple[type[Model], object]] = set()
        while True:
            pending: dict[type[Model], list] = {}
            for model, entries in saved.items():
                part = _parts.get(model)
                if part is None:
                    continue
                for pk, fields in entries.items():
                    if (model, pk) not in expanded and (fields is None or not fields <= part.ignore):
                        pending.setdefault(model, []).append(pk)
            if not pending:
                return saved
            for model, pks in pending.items():
                expanded.update((model, pk) for pk in pks)
                part = _parts[model]
                owners = saved.setdefault(part.owner, {})
                for owner in model._base_manager.filter(pk__in=pks).values_list(part.fk, flat=True):
                    if owner is not None:
                        owners[owner] = None


# --- What is tracked ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A model whose rows belong to an owner record (a factsheet's town rows, a mission's events): a change to
    a row is a change to its owner, unless only ``ignore`` fields changed."""

    owner: type[Model]
    fk: str  # the attribute holding the owner's id, e.g. "factsheet_id"
    ignore: frozenset[str] = frozenset()


_tracked: set[type[Model]] = set()
_parts: dict[type[Model], Part] = {}
_watched: dict[type[Model], set[str] | None] = {}  # model → fields whose old values are compared on save
_m2m: dict[type[Model], object] = {}  # through model → the many-to-many field it stores
_publishable: set[type[Model]] = set()  # tracked models with a publication ``status``
_subscribers: list[Subscriber] = []


class Subscriber:
    """Told of each committed change set (``committed``); may work things out before a delete (``deleting``)."""

    def deleting(self, model: type[Model], instance: Model, changes: ChangeSet) -> None:
        """Called before ``instance`` is deleted, inside the transaction (its relations still exist)."""

    def committed(self, changes: ChangeSet) -> None:
        """Called once per transaction, after commit."""


def subscribe(subscriber: Subscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def track(models: Iterable[type[Model]], *, parts: dict[type[Model], tuple[str, tuple[str, ...]]] | None = None):
    """Record every change to ``models``. ``parts`` maps a model to ``(owner field, ignored fields)``: its rows
    belong to the record its owner field points to (e.g. ``FactsheetTown: ("factsheet", ())``), so a change to a
    row is a change to that record, unless only the ignored fields changed."""
    for model, (owner_field, ignore) in (parts or {}).items():
        fk = model._meta.get_field(owner_field)
        _parts[model] = Part(owner=fk.related_model, fk=fk.attname, ignore=frozenset(ignore))
    for model in models:
        if model in _tracked:
            continue
        _tracked.add(model)
        if is_publishable(model):
            _publishable.add(model)
        uid = f"content-changes-{model._meta.label_lower}"
        if model in _parts:
            post_init.connect(_post_init, sender=model, dispatch_uid=uid)
        pre_save.connect(_pre_save, sender=model, dispatch_uid=uid)
        post_save.connect(_post_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_pre_delete, sender=model, dispatch_uid=uid)
        for relation in model._meta.local_many_to_many:
            through = relation.remote_field.through
            _m2m[through] = relation
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}-{relation.name}")


def watch_fields(model: type[Model], fields: Iterable[str] | None) -> None:
    """Compare ``fields`` of ``model`` (``None``: all its fields) with their stored values when a record is saved,
    so that what changed is known: a save that changes nothing, or only fields nothing shows, refreshes nothing.
    (One query per save of a watched model; a new record counts as changed in every field.)"""
    if model in _watched and _watched[model] is None:
        return
    _watched[model] = None if fields is None else {*(_watched.get(model) or set()), *fields}


# --- Recording ---------------------------------------------------------------------------------------------------


def record(model: type[Model], pks: Iterable, *, fields: Iterable[str] | None = ALL, using: str = DEFAULT_DB_ALIAS):
    """Record that records of ``model`` changed (for writes that go around the model signals: bulk writes)."""
    pks = list(pks)
    if pks:
        with _changes(using) as changes:
            changes.add(model, pks, fields)


def touch(*models: type[Model], using: str = DEFAULT_DB_ALIAS) -> None:
    """Record that the content of ``models`` changed in ways no single record names (rows added in bulk): their
    content version is bumped after commit; no document is refreshed for it."""
    with _changes(using) as changes:
        for model in models:
            changes.labels.update(_labels(model))


def _labels(model: type[Model]) -> tuple[str, str]:
    return model._meta.app_label, model._meta.label_lower


class _Batch:
    """The change set of one transaction, handed over by its on-commit callback."""

    def __init__(self) -> None:
        self.changes = ChangeSet()
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        if not self.changes:
            return
        # The transaction is committed: a failure from here on (the cache or the broker unreachable) is logged,
        # never raised into the request that saved, and never keeps the other steps from running.
        try:
            content_changed(self.changes.labels)
        except Exception:
            logger.exception("Could not bump the content version of %s", sorted(self.changes.labels))
        for subscriber in _subscribers:
            try:
                subscriber.committed(self.changes)
            except Exception:
                logger.exception("%s failed on a committed change set", type(subscriber).__name__)


@contextmanager
def _changes(using: str):
    """The change set of the transaction in progress. Outside a transaction the write is already committed:
    its own change set is handed over as soon as it is recorded."""
    connection = connections[using]
    if not connection.in_atomic_block:
        batch = _Batch()
        yield batch.changes
        batch()
        return
    state = connection.__dict__.setdefault("_content_changes", {})
    batch: _Batch | None = state.get("batch")
    # A batch rolled back with its transaction (or with the savepoint it was registered in) is gone from the
    # on-commit callbacks: the changes after it start a new one.
    if batch is None or batch.done or not any(item[1] is batch for item in connection.run_on_commit):
        batch = _Batch()
        transaction.on_commit(batch, using=using)
        state["batch"] = batch
    yield batch.changes


def start_new_batch(using: str = DEFAULT_DB_ALIAS) -> None:
    """Hand the changes recorded from now on over in a batch of their own. For tests that run a transaction's
    on-commit callbacks themselves (``django_capture_on_commit_callbacks``) inside the test's transaction,
    where the writes of their fixtures would otherwise join the batch they capture."""
    connections[using].__dict__.setdefault("_content_changes", {})["batch"] = None


# --- Signal handlers ---------------------------------------------------------------------------------------------


def _post_init(sender, instance, **kwargs) -> None:
    """Remember which record a part belonged to when it was loaded: if it moves, both owners changed."""
    instance._content_owner_at_load = instance.__dict__.get(_parts[sender].fk)


def _pre_save(sender, instance, raw=False, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Work out what a save of a watched (or publishable) record changes, from its stored values."""
    instance._content_changed_fields = ALL if update_fields is None else {_base_name(sender, f) for f in update_fields}
    instance._content_status_changed = bool(update_fields and "status" in update_fields)
    if raw or instance._state.adding or instance.pk is None:
        return
    part = _parts.get(sender)
    previous = getattr(instance, "_content_owner_at_load", None)
    if part is not None and previous is not None and previous != getattr(instance, part.fk):
        with _changes(using) as changes:
            changes.add(part.owner, [previous], ALL)  # moved to another record: the one it left changed too
    publishable = sender in _publishable
    watched = sender in _watched
    if not watched and not publishable:
        return
    concrete = _concrete_fields(sender, _watched[sender] if watched else set())
    if publishable:
        concrete.update(_concrete_fields(sender, {"status"}))
    if update_fields is not None:  # only the fields written can change
        concrete = {attname: name for attname, name in concrete.items() if name in instance._content_changed_fields}
    old = sender._base_manager.using(using).filter(pk=instance.pk).values(*concrete).first() if concrete else {}
    if old is None:
        return
    changed = {name for attname, name in concrete.items() if old[attname] != getattr(instance, attname)}
    instance._content_status_changed = "status" in changed
    if watched:
        names = _watched[sender]
        instance._content_changed_fields = changed if names is None else changed & names


def _post_save(sender, instance, created=False, raw=False, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    if raw:
        return  # fixtures being loaded
    fields = ALL if created else getattr(instance, "_content_changed_fields", ALL)
    with _changes(using) as changes:
        changes.labels.update(_labels(sender))
        if getattr(instance, "_content_status_changed", False):
            changes.published.add((sender, instance.pk))
        if fields is None or fields:  # an empty set: saved unchanged (in what is compared)
            changes.add(sender, [instance.pk], fields)


def _base_name(model: type[Model], attname: str) -> str:
    """The field an attribute name belongs to: ``department_id`` → ``department``, ``name_fr`` → ``name``."""
    field_ = next((f for f in model._meta.concrete_fields if attname in (f.name, f.attname)), None)
    name = field_.name if field_ is not None else attname
    base, _sep, suffix = name.rpartition("_")
    return base if suffix in {code for code, _name in settings.LANGUAGES} and hasattr(model, base) else name


def _pre_delete(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    with _changes(using) as changes:
        changes.labels.update(_labels(sender))
        part = _parts.get(sender)
        if part is not None:
            changes.add(part.owner, [getattr(instance, part.fk)], ALL)
        for subscriber in _subscribers:
            subscriber.deleting(sender, instance, changes)


def _m2m_changed(sender, instance, action, reverse, model, pk_set, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """A many-to-many change is a change of the field on the model that declares it (the source)."""
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    relation = _m2m[sender]
    source = relation.model
    if not reverse:
        pks = [instance.pk]
    elif action == "pre_clear":
        source_fk, target_fk = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        pks = list(sender.objects.using(using).filter(**{target_fk: instance.pk}).values_list(source_fk, flat=True))
    else:
        pks = list(pk_set or ())
    with _changes(using) as changes:
        changes.labels.update(_labels(relation.related_model))
        changes.add(source, pks, {relation.name})


def _concrete_fields(model: type[Model], names: set[str] | None) -> dict[str, str]:
    """attname → field name, for the fields ``names`` (``None``: every field but the automatic dates). A
    translated field is compared through its language versions (``name_fr``, ``name_en``: the field itself only
    reads the active language)."""
    return dict(_field_map(model, None if names is None else frozenset(names)))


@functools.cache
def _field_map(model: type[Model], names: frozenset[str] | None) -> tuple[tuple[str, str], ...]:
    """``_concrete_fields``, worked out once per model and field list (it runs on every watched save)."""
    codes = {code for code, _name in settings.LANGUAGES}
    fields = {f.name: f for f in model._meta.concrete_fields}
    translated = {name for name in fields if all(f"{name}_{code}" in fields for code in codes)}
    mapping = []
    for field_ in fields.values():
        base, _sep, suffix = field_.name.rpartition("_")
        if field_.name in translated or field_.primary_key or getattr(field_, "auto_now", False):
            continue
        name = base if base in translated and suffix in codes else field_.name
        if names is None or name in names:
            mapping.append((field_.attname, name))
    return tuple(mapping)


# --- Content version ---------------------------------------------------------------------------------------------


def content_changed(kinds: Iterable[str]) -> None:
    """Start a new content version for each of ``kinds`` (app labels such as ``"projects"``, or model labels
    such as ``"projects.factsheet"``): whatever was cached under the previous version is not used again.

    Versions are random tokens, not counters: a key the cache lost comes back as a new token, never as an
    earlier value that old cached pages were stored under."""
    kinds = set(kinds)
    if kinds:
        kinds.add(SITE)
        cache.set_many({f"{CONTENT_VERSION_PREFIX}{kind}": _token() for kind in kinds}, CONTENT_VERSION_TIMEOUT)


def content_version(*kinds: str) -> str:
    """A short fingerprint of the current content versions of ``kinds``; it changes whenever one of them does.
    One cache round trip."""
    keys = [f"{CONTENT_VERSION_PREFIX}{kind}" for kind in sorted(set(kinds))]
    found = cache.get_many(keys)
    missing = {key: _token() for key in keys if key not in found}
    for key, token in missing.items():
        cache.add(key, token, CONTENT_VERSION_TIMEOUT)  # another process may have set it first: read it back
    if missing:
        found.update(cache.get_many(list(missing)))
    # A token the cache could not give back (unreachable) counts as the new one just drawn: the version is then
    # never the same twice, so nothing is served from, or kept under, a version no edit can change.
    digest = hashlib.sha1(
        "|".join(f"{key}={found.get(key) or missing[key]}" for key in keys).encode(), usedforsecurity=False
    )
    return digest.hexdigest()[:16]


def _token() -> str:
    return f"{time.time_ns():x}{secrets.token_hex(4)}"
