"""The document kinds the apps render, and what each one shows.

Each domain app declares its kinds in ``<app>/documents.py`` and registers them from its ``AppConfig.ready()``:

    register(DocumentKind(name="factsheet", model=Factsheet, template="projects/pdf/factsheet.html", …,
                          depends_on=(Dependency(Factsheet), Dependency(Theme, "themes", fields=("name",)), …)))

A ``Dependency`` says which changes affect a kind's documents: changes to ``model`` (all its fields, or only
``fields``), reaching the kind's objects through ``paths`` (lookups from the kind's model, ``""`` for the object
itself), or shown in every document of the kind (``everywhere``). ``affected`` turns a committed change set into
the (kind, object id) pairs whose documents must be refreshed: one query per dependency that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise

from mot_portal import changes

CHUNK = 500  # records looked up per query (SQLite limits the parameters of one statement)


class DocumentUnavailable(Exception):
    """The object is not public (a draft, deleted, or a mission without a published roadmap)."""


@dataclass(frozen=True)
class Dependency:
    """Changes to ``model`` that a kind's documents show (see the module's docstring)."""

    model: type[Model]
    paths: tuple[str, ...] = ("",)
    fields: frozenset[str] | None = None  # None: any change of the record counts
    ignore: frozenset[str] = frozenset()  # with ``fields=None``: changes of these fields alone do not count
    everywhere: bool | Q = False  # every object of the kind shows these records (or those matching the Q)
    shown: Q | None = None  # only the records matching it are shown (e.g. published ones), or whose status changed

    def __init__(
        self, model, *paths: str, fields: Iterable[str] | None = None, ignore=(), everywhere=False, shown=None
    ):
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "paths", tuple(paths) or ("",))
        object.__setattr__(self, "fields", None if fields is None else frozenset(fields))
        object.__setattr__(self, "ignore", frozenset(ignore))
        object.__setattr__(self, "everywhere", everywhere)
        object.__setattr__(self, "shown", shown)

    def counts(self, changed: set[str] | None) -> bool:
        """Whether a change of these fields (``None``: unknown, any) is one the documents show."""
        if changed is None:
            return True
        if self.fields is not None:
            return bool(changed & self.fields)
        return not changed <= self.ignore

    def shown_among(self, pks: list, published: set) -> list:
        """The records of ``pks`` the documents show: all of them, or (with ``shown``) those that match it and
        those whose publication just changed (a withdrawn factsheet leaves its booklet)."""
        if self.shown is None or not pks:
            return pks
        matching = set(self.model._base_manager.filter(self.shown, pk__in=pks).values_list("pk", flat=True))
        return [pk for pk in pks if pk in matching or (self.model, pk) in published]

    def objects(self, kind: DocumentKind, pks: Iterable) -> set[int]:
        """Primary keys of the kind's objects that show the records ``pks`` (one query, none for the object
        itself)."""
        pks = list(pks)
        manager = kind.model._base_manager
        if kind.refresh_stored_only:
            # Only the objects that have a stored document: what the others show is read when they are asked for.
            from mot_portal.documents.models import StoredDocument

            stored = StoredDocument.objects.filter(kind=kind.name).exclude(status=StoredDocument.State.WITHDRAWN)
            manager = manager.filter(pk__in=stored.values("object_id"))
        if self.everywhere is not False:
            shown = self.model._base_manager.filter(pk__in=pks)
            if self.everywhere is not True and not shown.filter(self.everywhere).exists():
                return set()
            return set(manager.values_list("pk", flat=True))
        if self.paths == ("",):
            return set(pks)
        found: set[int] = set()
        for start in range(0, len(pks), CHUNK):  # an import may change thousands of records
            chunk = pks[start : start + CHUNK]
            condition = Q()
            for path in self.paths:
                if path:
                    condition |= Q(pk__in=manager.filter(**{f"{path}__in": chunk}).values("pk"))
                else:
                    condition |= Q(pk__in=chunk)
            found.update(manager.filter(condition).values_list("pk", flat=True))
        return found


@dataclass(frozen=True)
class DocumentKind:
    """A kind of PDF document: one per (object, language)."""

    name: str  # stored in StoredDocument.kind and used in URLs, e.g. "factsheet"
    label: str | Promise  # e.g. _("Factsheet"): file names and the admin
    model: type[Model]
    template: str
    key_field: str  # the field that names the object in URLs (slug, year)
    public: Callable[[], QuerySet]  # the objects that have documents (published…)
    load: Callable[[int], Model]  # the public object with everything its document shows (raises DoesNotExist)
    context: Callable[[Model], dict]  # the template's context, built in the document's language
    title: Callable[[Model], str]  # in the active language
    depends_on: tuple[Dependency, ...] = field(default_factory=tuple)
    # True for a kind of which every one of many objects may have documents (a diagnostic per commune): an edit
    # refreshes only the documents already stored, found from the stored rows, never by going through all the
    # objects; none is prepared in advance (``PDF_RENDER_ON_PUBLISH`` does not apply).
    refresh_stored_only: bool = False

    def get_public(self, object_id: int) -> Model:
        try:
            return self.load(object_id)
        except self.model.DoesNotExist:
            raise DocumentUnavailable from None


_kinds: dict[str, DocumentKind] = {}


def register(*kinds: DocumentKind) -> None:
    """Make ``kinds`` known: their documents can be requested, and changes to what they show refresh them."""
    for kind in kinds:
        existing = _kinds.get(kind.name)
        if existing is not None and existing != kind:
            raise ValueError(f"Document kind {kind.name!r} is registered twice")
        _kinds[kind.name] = kind
        changes.track([kind.model, *(dependency.model for dependency in kind.depends_on)])
        for dependency in kind.depends_on:
            changes.watch_fields(dependency.model, dependency.fields)  # so that saves change what they change


def get(name: str) -> DocumentKind:
    return _kinds[name]


def find(name: str) -> DocumentKind | None:
    return _kinds.get(name)


def names() -> list[str]:
    return sorted(_kinds)


def kinds() -> list[DocumentKind]:
    return [_kinds[name] for name in names()]


def affected(change_set: changes.ChangeSet) -> set[tuple[str, int]]:
    """The (kind, object id) pairs whose documents show something the change set changed."""
    saved = change_set.with_owners()
    pairs: set[tuple[str, int]] = set()
    for kind in kinds():
        for dependency in kind.depends_on:
            entries = saved.get(dependency.model)
            if not entries:
                continue
            pks = [pk for pk, fields in entries.items() if dependency.counts(fields)]
            pks = dependency.shown_among(pks, change_set.published)
            if pks:
                pairs.update((kind.name, pk) for pk in dependency.objects(kind, pks))
    return pairs


def affected_by_deletion(model: type[Model], pk, *, kinds: Iterable[str]) -> set[tuple[str, int]]:
    """The (kind, object id) pairs of ``kinds`` whose documents show a record about to be deleted (its relations
    still exist; the pair of a deleted object itself is included, so that its documents go too)."""
    pairs: set[tuple[str, int]] = set()
    for kind in (_kinds[name] for name in sorted(kinds) if name in _kinds):
        for dependency in kind.depends_on:
            if dependency.model is model and dependency.shown_among([pk], set()):
                pairs.update((kind.name, object_id) for object_id in dependency.objects(kind, [pk]))
    return pairs
