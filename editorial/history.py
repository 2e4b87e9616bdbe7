"""The history of the portal's content (django-reversion): which models keep versions, when a version is made,
how a version's comment reads in the reader's language, and how an earlier version is restored.

**What keeps versions.** The content staff write (``REGISTRATIONS``): countries' names, partners, cross-border
areas, themes, factsheets (with their town and partner rows), booklets (with their entries), the work programme,
its items and themes, missions (with their partner rows), events (with their participants by country), thematic
groups, roadmaps (with their actions) and the services of the offer. Not the records ``import_towns`` loads (towns,
regions, departments, intercommunalities, localities: 35,000 communes, read-only in the admin and overwritten by
the next import), and never what holds personal data (support requests, users).

**When.** A version is made for every write a request makes in the admin or the API (``HistoryMiddleware``: one
revision per request, with its user), and for every publication step (``mot_portal.publishing.status_change``
opens its own revision, with the transition as its comment). Loaders and management commands open no revision:
bulk loads keep no versions (the seed content published by ``make data`` is the exception: its publication steps).

**Comments.** Stored as Django's admin change messages (JSON: what was added, changed, deleted, with the fields'
untranslated labels) or as our own entries (``{"api": …}``, ``{"restored": …}``); ``comment_html`` renders them in
the reader's language with the fields' translated names.

**Restore.** ``version_restore`` writes a version's fields and relations back through the record's own update
service (never reversion's raw ``revert``), so invalidation, the PDFs and the caches follow; the publication status
is never restored (it only moves through the workflow).
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass

import reversion
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import models
from django.db.models.signals import post_save
from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mot_portal.publishing import PUBLICATION_FIELDS, is_publishable


@dataclass(frozen=True)
class Registration:
    model: str  # "app_label.ModelName"
    follow: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


# Parts (followed rows) are registered too: reversion only follows registered models.
REGISTRATIONS: tuple[Registration, ...] = (
    Registration("editorial.Source"),
    Registration("towns.Country"),
    Registration("towns.Partner"),
    Registration("towns.CrossBorderArea"),
    Registration("projects.Theme"),
    Registration("projects.Factsheet", follow=("town_roles", "partner_roles"), exclude=("search_fr", "search_en")),
    Registration("projects.FactsheetTown"),
    Registration("projects.FactsheetPartner"),
    Registration("projects.Booklet", follow=("entries",)),
    Registration("projects.BookletEntry"),
    # A programme's items are records of their own (hundreds of lines): a programme's version does not copy them.
    Registration("workplan.Programme"),
    Registration("workplan.WorkItem"),
    Registration("workplan.DealTheme"),
    Registration("workplan.TransversalTheme"),
    Registration("missions.NationalProgramme"),
    Registration("missions.Mission", follow=("partner_roles",)),
    Registration("missions.MissionPartner"),
    Registration("missions.MissionEvent", follow=("participations",)),
    Registration("missions.EventParticipation"),
    Registration("missions.ThematicGroup"),
    Registration("missions.Roadmap", follow=("actions",)),
    Registration("missions.RoadmapAction"),
    Registration("support.Service", follow=("retired_missions",)),
    Registration("support.RetiredMission"),
)

# Never versioned: personal data (a version would keep it past its retention period) and imported reference data.
NEVER_REGISTERED = ("support.SupportRequest", "auth.User", "towns.Town")

# Rows that are part of a record (followed): the history and the recent changes name their owner.
PART_MODELS = {
    "projects.FactsheetTown": "factsheet",
    "projects.FactsheetPartner": "factsheet",
    "projects.BookletEntry": "booklet",
    "missions.MissionPartner": "mission",
    "missions.EventParticipation": "event",
    "missions.RoadmapAction": "roadmap",
    "support.RetiredMission": "service",
}

# Fields a version keeps but the history neither compares nor restores (kept by the models or services).
IGNORED_FIELDS = {"id", "created_at", "updated_at", "photo_resized", "first_year", "last_year"}


def register_models() -> None:
    for registration in REGISTRATIONS:
        model = apps.get_model(registration.model)
        if not reversion.is_registered(model):
            reversion.register(model, follow=registration.follow, exclude=registration.exclude)
    post_save.connect(_admin_log_entry_saved, sender=LogEntry, dispatch_uid="editorial_history_log_entry")


def registered_models() -> list[type[models.Model]]:
    return [apps.get_model(registration.model) for registration in REGISTRATIONS]


def is_part(model) -> bool:
    return model._meta.label in PART_MODELS


# --- When versions are made -----------------------------------------------------------------------------------------

API_PREFIX = "/api/"
_ADMIN_PATH = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]+)?/)?admin/")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def request_makes_revision(request) -> bool:
    """Every write of the API (its user is known only once the view authenticated it) and every write of a
    signed-in user in the admin (not the login form)."""
    if request.method not in _UNSAFE:
        return False
    if request.path.startswith(API_PREFIX):
        return True
    user = getattr(request, "user", None)
    return bool(_ADMIN_PATH.match(request.path) and user is not None and user.is_authenticated)


class _Discarded(Exception):
    def __init__(self, response):
        self.response = response


def revision_discard() -> None:
    """The request being served is rolling its changes back (a refused bulk action, an import's dry run or refused
    file): its revision is not kept, so the history never shows what was not written."""
    from editorial.workflow import _request

    request = _request.get()
    if request is not None:
        request._history_discard = True


class HistoryMiddleware:
    """One revision for each write request of the admin and the API, with the request's
    user; the comment is the admin's change message (set when the admin logs the change, ``LogEntry``), the
    publication step's (``status_change``), or "changed through the API"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_makes_revision(request):
            return self.get_response(request)
        try:
            # Not one transaction around the whole request (atomic=False): the views keep their own transactions,
            # so what they hand over after commit (PDFs queued, the broker's answer) happens before they answer;
            # the revision is saved at the end, unless the request was refused or rolled back (below).
            with reversion.create_revision(atomic=False):
                response = self.get_response(request)
                if response.status_code >= 400 or getattr(request, "_history_discard", False):
                    # Refused (403, 400…) or rolled back: what the versions hold was never written.
                    raise _Discarded(response)
                user = getattr(request, "user", None)  # the API's view set it once it authenticated the client
                if user is not None and user.is_authenticated and reversion.get_user() is None:
                    reversion.set_user(user)
                if not reversion.get_comment() and request.path.startswith(API_PREFIX):
                    reversion.set_comment(json.dumps([{"api": {"method": request.method}}]))
                return response
        except _Discarded as discarded:
            return discarded.response


def _admin_log_entry_saved(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """The admin logged a change: its message becomes the revision's comment (unless a publication step named it)."""
    if not created or not reversion.is_active():
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is None or not reversion.is_registered(model):
        return  # e.g. a support request: its message (and its name) stays out of the content's history
    message = instance.change_message
    if instance.action_flag == ADDITION and not message:
        message = json.dumps([{"added": {}}])
    elif instance.action_flag == DELETION:
        message = json.dumps([{"deleted": {"object": instance.object_repr}}])
    elif instance.action_flag == CHANGE and not message:
        message = json.dumps([{"changed": {}}])
    current = reversion.get_comment()
    if not current:
        reversion.set_comment(message)
    elif current.startswith("["):  # several records changed in one request (list actions, list editing)
        with contextlib.suppress(ValueError):
            reversion.set_comment(json.dumps(json.loads(current) + json.loads(message)))


def restored_comment(version) -> str:
    return json.dumps([{"restored": {"version": version.pk, "date": version.revision.date_created.isoformat()}}])


# --- Names and comments in the reader's language ---------------------------------------------------------------------


def translated_fields(model) -> dict[str, list[str]]:
    """Translated field → its columns per language (``summary`` → ``[summary_fr, summary_en]``)."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    return {
        name: [f"{name}_{code}" for code, _label in settings.LANGUAGES if f"{name}_{code}" in columns]
        for name, fields in options.all_fields.items()
        for columns in [{f.name for f in fields}]
    }


def language_name(code: str) -> str:
    """The language's name in the active language (Django's own translations: “anglais”, “English”)."""
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code


def field_label(model, name: str) -> str:
    """The translated name of a field, with its language for a translation column (“Résumé (anglais)”)."""
    for base, columns in translated_fields(model).items():
        if name in columns:
            code = name.rsplit("_", 1)[1]
            verbose = model._meta.get_field(base).verbose_name
            return f"{capfirst(verbose)} ({language_name(code).lower()})"
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))
    except Exception:
        return name


def _untranslated_labels(model) -> dict[str, str]:
    """The labels Django's admin stores in its change messages (untranslated) → the field's translated label."""
    labels = {}
    fields = [f for f in model._meta.get_fields() if getattr(f, "verbose_name", None) and not f.auto_created]
    with translation.override(None):
        plain = {f.name: str(capfirst(f.verbose_name)) for f in fields}
    for name, label in plain.items():
        labels[label] = field_label(model, name)
    for base, columns in translated_fields(model).items():
        with translation.override(None):
            base_label = str(capfirst(model._meta.get_field(base).verbose_name))
        for column in columns:
            code = column.rsplit("_", 1)[1]
            labels[f"{base_label} [{code}]"] = field_label(model, column)
            labels[f"{base_label} [{code.upper()}]"] = field_label(model, column)
    return labels


def _models_by_name() -> dict[str, type[models.Model]]:
    """Untranslated verbose names (as change messages store them) → the model."""
    with translation.override(None):
        return {str(model._meta.verbose_name): model for model in registered_models()}


def _names(labels: dict[str, str], fields) -> str:
    return ", ".join(labels.get(field, field) for field in fields or ())


def _row_sentence(kind: str, detail: dict, models_by_name: dict) -> str:
    """A change to a row of the record (an inline of the admin), e.g. “Deleted town taking part “Mons – Partner”.”"""
    model = models_by_name.get(detail["name"])
    name = str(model._meta.verbose_name) if model is not None else detail["name"]
    subject = _("%(type)s “%(record)s”") % {"type": name, "record": detail.get("object", "")}
    if kind == "added":
        return _("Added %(subject)s.") % {"subject": subject}
    if kind == "deleted":
        return _("Deleted %(subject)s.") % {"subject": subject}
    if detail.get("fields"):
        labels = _untranslated_labels(model) if model is not None else {}
        return _("Changed %(subject)s: %(fields)s.") % {"subject": subject, "fields": _names(labels, detail["fields"])}
    return _("Changed %(subject)s.") % {"subject": subject}


def _record_sentence(kind: str, detail: dict, labels: dict) -> str:
    if kind == "changed" and detail.get("fields"):
        return _("Changed: %(fields)s.") % {"fields": _names(labels, detail["fields"])}
    if kind == "api" and detail.get("method") == "POST":
        return _("Created or changed through the API.")
    if kind == "restored":
        return _("Restored the version of %(date)s.") % {"date": _when(detail.get("date"))}
    sentences = {
        "added": _("Created."),
        "changed": _("Saved without changes."),
        "deleted": _("Deleted."),
        "api": _("Changed through the API."),
        "imported": _("Imported from a spreadsheet."),
    }
    return sentences.get(kind, "")


def comment_parts(comment: str, model) -> list[str]:
    """The sentences a stored comment says, in the active language (plain text, escaped by the caller)."""
    if not comment:
        return []
    try:
        entries = json.loads(comment) if comment.startswith("[") else None
    except ValueError:
        entries = None
    if not isinstance(entries, list):
        return [comment]  # a publication step's words, or a comment written by hand
    labels = _untranslated_labels(model) if model is not None else {}
    models_by_name = _models_by_name()
    parts = []
    for entry in entries:
        for kind, detail in entry.items() if isinstance(entry, dict) else ():
            detail = detail if isinstance(detail, dict) else {}
            if "name" in detail:
                parts.append(_row_sentence(kind, detail, models_by_name))
            else:
                parts.append(_record_sentence(kind, detail, labels))
    return [part for part in parts if part]


def _when(value) -> str:
    try:
        moment = timezone.localtime(timezone.datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value or "")
    return formats.date_format(moment, "DATETIME_FORMAT")


def comment_html(comment: str, model, event=None) -> str:
    """A revision's comment as escaped HTML in the active language; a publication step is named from the
    workflow's log (``WorkflowEvent``: the transition in the reader's language and the reviewer's comment)."""
    if event is not None:
        from editorial.workflow import transition_label

        step = format_html("<strong>{}</strong>", transition_label(event.from_status, event.to_status))
        if event.comment:
            return (
                format_html("{} : « {} »", step, event.comment)
                if translation.get_language() == "fr"
                else (format_html("{}: “{}”", step, event.comment))
            )
        return step
    return format_html_join(" ", "{}", ((part,) for part in comment_parts(comment, model)))


def events_for_revisions(revisions) -> dict[int, object]:
    """The publication step each revision records (revision id → WorkflowEvent), in one query. The step is logged
    inside the revision (``status_change``), so after the revision began (its date) and before it ended; its
    comment is the step's, not an admin or API message."""
    from editorial.models import WorkflowEvent

    revisions = [r for r in revisions if r.date_created and r.comment and not r.comment.startswith("[")]
    if not revisions:
        return {}
    earliest = min(r.date_created for r in revisions)
    latest = max(r.date_created for r in revisions) + STEP_WINDOW
    ids = {version.object_id for revision in revisions for version in revision._prefetched_versions}
    events = list(
        WorkflowEvent.objects.filter(created_at__gte=earliest, created_at__lte=latest, object_id__in=ids)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    found = {}
    for revision in revisions:
        keys = {(v.content_type_id, v.object_id) for v in revision._prefetched_versions}
        candidates = [
            event
            for event in events
            if (event.content_type_id, event.object_id) in keys
            and revision.date_created <= event.created_at <= revision.date_created + STEP_WINDOW
            and event.user_id == revision.user_id
        ]
        # The step whose words are the revision's comment (several may follow each other within minutes).
        same = [event for event in candidates if _step_comment(event) == revision.comment]
        if same:
            found[revision.pk] = same[0]
    return found


def _step_comment(event) -> str:
    from editorial.services import _transition_comment

    return _transition_comment(event)


STEP_WINDOW = timezone.timedelta(minutes=10)  # longer than any request or import making a step


# --- Restore -------------------------------------------------------------------------------------------------------


def restorable_fields(model, field_dict: dict) -> dict:
    """The fields of a version written back on restore: the editable columns, each language of a translated
    field (not the base column modeltranslation keeps), never the publication status, dates kept by the model,
    or a file no longer stored."""
    translated = translated_fields(model)
    skipped = set(translated) | IGNORED_FIELDS
    if is_publishable(model):
        skipped |= set(PUBLICATION_FIELDS)
    fields = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in skipped or not field.editable:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.attname not in field_dict:
            continue
        value = field_dict[field.attname]
        if isinstance(field, models.FileField):
            name = str(value or "")
            if name and not field.storage.exists(name):
                continue
            value = name
        fields[field.attname] = value
    return fields


def m2m_relations(model, field_dict: dict) -> dict[str, list]:
    """The version's many-to-many relations (without a custom through model) as records that still exist."""
    relations = {}
    for field in model._meta.many_to_many:
        if not field.remote_field.through._meta.auto_created or field.attname not in field_dict:
            continue
        ids = list(field_dict[field.attname] or [])
        relations[field.name] = list(field.related_model._default_manager.filter(pk__in=ids))
    return relations


def part_versions(version, follow: str) -> list:
    """The versions of the rows ``follow`` (e.g. a factsheet's ``town_roles``) kept in ``version``'s revision."""
    model = version._model
    relation = model._meta.get_field(follow)
    related = relation.related_model
    fk = relation.field.attname
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(related)
    rows = [
        row
        for row in version.revision.version_set.filter(content_type=content_type)
        if str(row.field_dict.get(fk)) == str(version.object_id)
    ]
    return rows


def version_restore(*, version, user=None):
    """Write ``version`` back through the record's update service, in a new revision ("Restored the version of
    <date>"); the publication status stays what it is. Returns the record."""
    from django.db import transaction

    model = version._model
    with transaction.atomic(), reversion.create_revision():
        obj = model._default_manager.select_for_update().get(pk=version.object_id)
        data = version.field_dict
        fields = restorable_fields(model, data)
        relations = m2m_relations(model, data)
        restorer = RESTORERS.get(model._meta.label, _generic_restore)
        restorer(obj=obj, version=version, fields=fields, relations=relations)
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(restored_comment(version))
    return obj


def _generic_restore(*, obj, version, fields, relations):
    from mot_portal.services import instance_save

    instance_save(instance=obj, fields=fields, relations=relations)


def _factsheet_restore(*, obj, version, fields, relations):
    from projects.services import PartnerRole, TownRole, factsheet_update
    from towns.models import Partner, Town

    town_rows = [row.field_dict for row in part_versions(version, "town_roles")]
    partner_rows = [row.field_dict for row in part_versions(version, "partner_roles")]
    towns = Town.objects.in_bulk([row["town_id"] for row in town_rows])
    partners = Partner.objects.in_bulk([row["partner_id"] for row in partner_rows])
    factsheet_update(
        factsheet=obj,
        fields=fields,
        countries=relations.get("countries"),
        themes=relations.get("themes"),
        sources=relations.get("sources"),
        town_roles=[TownRole(towns[row["town_id"]], row["role"]) for row in town_rows if row["town_id"] in towns],
        partner_roles=[
            PartnerRole(partners[row["partner_id"]], row["role"])
            for row in partner_rows
            if row["partner_id"] in partners
        ],
    )


def _booklet_restore(*, obj, version, fields, relations):
    from projects.models import Factsheet
    from projects.services import booklet_update

    rows = sorted((row.field_dict for row in part_versions(version, "entries")), key=lambda row: row["position"])
    factsheets = Factsheet.objects.in_bulk([row["factsheet_id"] for row in rows])
    booklet_update(
        booklet=obj,
        fields=fields,
        sources=relations.get("sources"),
        factsheets=[factsheets[r["factsheet_id"]] for r in rows if r["factsheet_id"] in factsheets],
    )


def _mission_restore(*, obj, version, fields, relations):
    from missions.services import mission_update

    mission_update(mission=obj, fields=fields, **relations)


def _service_restore(*, obj, version, fields, relations):
    from support.services import service_update

    service_update(service=obj, fields=fields, **relations)


def _partner_restore(*, obj, version, fields, relations):
    from towns.services import partner_update

    partner_update(partner=obj, fields=fields, **relations)


def _area_restore(*, obj, version, fields, relations):
    from towns.services import area_update

    area_update(area=obj, fields=fields, **relations)


def _country_restore(*, obj, version, fields, relations):
    from towns.services import country_update

    country_update(country=obj, fields=fields)


def _theme_restore(*, obj, version, fields, relations):
    from projects.services import theme_update

    theme_update(theme=obj, fields=fields)


def _roadmap_restore(*, obj, version, fields, relations):
    """The roadmap's fields, then its actions as they were: each kept action's fields and relations restored, the
    actions added since removed, the removed ones made again (through ``instance_save``)."""
    from missions.models import RoadmapAction
    from mot_portal.services import instance_save

    instance_save(instance=obj, fields=fields, relations=relations)
    rows = part_versions(version, "actions")
    wanted = {int(row.object_id): row for row in rows}
    for action in obj.actions.all():
        if action.pk not in wanted:
            action.delete()
    existing = RoadmapAction.objects.in_bulk(list(wanted))
    for pk, row in wanted.items():
        action = existing.get(pk) or RoadmapAction(roadmap=obj)
        data = row.field_dict
        action_fields = restorable_fields(RoadmapAction, data)
        action_fields["roadmap_id"] = obj.pk
        instance_save(instance=action, fields=action_fields, relations=m2m_relations(RoadmapAction, data))


RESTORERS = {
    "projects.Factsheet": _factsheet_restore,
    "projects.Booklet": _booklet_restore,
    "projects.Theme": _theme_restore,
    "missions.Mission": _mission_restore,
    "missions.Roadmap": _roadmap_restore,
    "support.Service": _service_restore,
    "towns.Partner": _partner_restore,
    "towns.CrossBorderArea": _area_restore,
    "towns.Country": _country_restore,
}
