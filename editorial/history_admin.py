"""The history pages of the admin: a record's versions (the admin's "History" link opens it), the differences
between two versions, restoring a version, and the site-wide recent changes. Staff only (the admin's login);
reading a record's history needs the permission to view it, restoring one the permission to change it."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from reversion.models import Revision, Version

from editorial import history
from editorial.history_diff import parts_row, record_diff

RECENT_PAGE_SIZE = 50


def _pk_or_404(model, object_id):
    """The record's key as its field reads it (``abc`` for a number is a 404, not a server error)."""
    try:
        return model._meta.pk.to_python(object_id)
    except (ValidationError, ValueError, TypeError):
        raise Http404 from None


def _model_or_404(app_label: str, model_name: str):
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist:
        raise Http404 from None
    model = content_type.model_class()
    if model is None or model not in history.registered_models():
        raise Http404
    return model


def _can_view(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or _can_change(user, model)


def _can_change(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def history_url(model, object_id) -> str:
    opts = model._meta
    return reverse("editorial:history", args=[opts.app_label, opts.model_name, object_id])


def _change_url(model, object_id) -> str:
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
    except NoReverseMatch:
        return ""


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def _versions(model, object_id):
    return (
        Version.objects.get_for_object_reference(model, object_id)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def object_history(request, app_label: str, model_name: str, object_id: str):
    """Every version of one record, newest first, with who, when and what (the publication steps named), to
    compare two of them or restore one."""
    model = _model_or_404(app_label, model_name)
    object_id = _pk_or_404(model, object_id)
    if not _can_view(request.user, model):
        raise PermissionDenied
    obj = model._default_manager.filter(pk=object_id).first()
    versions = list(_versions(model, object_id))
    for version in versions:
        version.revision._prefetched_versions = [version]
    events = history.events_for_revisions([version.revision for version in versions])
    from editorial.models import WorkflowEvent

    matched = {event.pk for event in events.values()}
    steps = list(
        WorkflowEvent.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(object_id))
        .exclude(pk__in=matched)
        .select_related("user")
    )
    rows = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        rows.append(
            {
                "version": version,
                "date": version.revision.date_created,
                "user": version.revision.user,
                "comment": history.comment_html(version.revision.comment, model, events.get(version.revision_id)),
                "previous": previous,
                "latest": index == 0,
            }
        )
    for event in steps:  # publication steps no version records (made before the history was kept)
        rows.append(
            {
                "version": None,
                "date": event.created_at,
                "user": event.user,
                "comment": history.comment_html("", model, event),
            }
        )
    rows.sort(key=lambda row: row["date"], reverse=True)
    title = _("History: %(record)s") % {"record": obj if obj is not None else (versions[0] if versions else object_id)}
    context = _context(
        request,
        title,
        opts=model._meta,
        object=obj,
        object_id=object_id,
        rows=rows,
        version_count=len(versions),
        change_url=_change_url(model, object_id) if obj is not None else "",
        can_restore=_can_change(request.user, model) and obj is not None,
    )
    return render(request, "editorial/history/object_history.html", context)


def _diff(model, old: Version, new: Version):
    diff = record_diff(model, old.field_dict, new.field_dict)
    for follow in next((r.follow for r in history.REGISTRATIONS if r.model == model._meta.label), ()):
        relation = model._meta.get_field(follow)
        part = relation.related_model
        old_rows = [row.field_dict for row in history.part_versions(old, follow)]
        new_rows = [row.field_dict for row in history.part_versions(new, follow)]
        label = str(capfirst(part._meta.verbose_name_plural))
        diff.rows.append(parts_row(label, part, relation.field.name, old_rows, new_rows))
    return diff


def _version_of(model, object_id, version_id) -> Version:
    try:
        return _versions(model, object_id).get(pk=int(version_id))
    except (Version.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def compare(request, app_label: str, model_name: str, object_id: str):
    """The differences between two versions of a record (``?from=<version>&to=<version>``), field by field, both
    languages side by side."""
    model = _model_or_404(app_label, model_name)
    object_id = _pk_or_404(model, object_id)
    if not _can_view(request.user, model):
        raise PermissionDenied
    first = _version_of(model, object_id, request.GET.get("from"))
    second = _version_of(model, object_id, request.GET.get("to"))
    old, new = sorted([first, second], key=lambda v: (v.revision.date_created, v.pk))
    diff = _diff(model, old, new)
    show_all = request.GET.get("all") == "1"
    context = _context(
        request,
        _("Differences: %(record)s") % {"record": new.object_repr},
        opts=model._meta,
        object_id=object_id,
        old=old,
        new=new,
        old_comment=history.comment_html(old.revision.comment, model),
        new_comment=history.comment_html(new.revision.comment, model),
        diff=diff,
        rows=diff.rows if show_all else diff.changed_rows,
        show_all=show_all,
        history_url=history_url(model, object_id),
        can_restore=_can_change(request.user, model),
    )
    return render(request, "editorial/history/compare.html", context)


@require_http_methods(["GET", "POST"])
def restore(request, app_label: str, model_name: str, object_id: str, version_id: int):
    """Restore a version (the change permission; confirmed by a POST): through the record's update service, in a
    new version; the publication status stays."""
    model = _model_or_404(app_label, model_name)
    object_id = _pk_or_404(model, object_id)
    if not _can_change(request.user, model):
        raise PermissionDenied
    version = _version_of(model, object_id, version_id)
    record = model._default_manager.filter(pk=object_id).first()
    if record is None:
        raise Http404
    from mot_portal.admin import published_lock

    if published_lock(request.user, record):
        raise PermissionDenied  # a published record is changed by reviewers only, a restore included
    latest = _versions(model, object_id).first()
    if request.method == "POST":
        try:
            history.version_restore(version=version, user=request.user)
        except ValidationError as error:
            messages.error(
                request, _("This version could not be restored: %(error)s") % {"error": "; ".join(error.messages)}
            )
        else:
            messages.success(
                request,
                _("The version of %(date)s was restored.")
                % {"date": history._when(version.revision.date_created.isoformat())},
            )
        return redirect(history_url(model, object_id))
    diff = _diff(model, latest, version) if latest is not None and latest.pk != version.pk else None
    context = _context(
        request,
        _("Restore this version?"),
        opts=model._meta,
        object_id=object_id,
        version=version,
        diff=diff,
        rows=diff.changed_rows if diff else [],
        history_url=history_url(model, object_id),
    )
    return render(request, "editorial/history/restore_confirm.html", context)


def _date(value: str | None):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def recent_changes(request):
    """Every revision, newest first, filtered by user, record type and dates; a constant number of queries per
    page (the versions of the page's revisions, their types and users, and the publication steps are fetched
    once each)."""
    if not request.user.is_staff:
        raise PermissionDenied
    content_types = ContentType.objects.get_for_models(*history.registered_models())
    visible = {model: ct for model, ct in content_types.items() if _can_view(request.user, model)}
    by_id = {ct.pk: model for model, ct in visible.items()}
    revisions = Revision.objects.select_related("user").order_by("-date_created", "-pk")
    revisions = revisions.filter(version__content_type__in=list(visible.values())).distinct()
    user_id = request.GET.get("user", "")
    model_id = request.GET.get("model", "")
    since, until = _date(request.GET.get("since")), _date(request.GET.get("until"))
    if user_id.isdigit():
        revisions = revisions.filter(user_id=int(user_id))
    if model_id.isdigit() and int(model_id) in by_id:
        revisions = revisions.filter(version__content_type_id=int(model_id))
    if since:
        revisions = revisions.filter(date_created__gte=_day_start(since))
    if until:
        revisions = revisions.filter(date_created__lt=_day_start(until + datetime.timedelta(days=1)))
    paginator = Paginator(revisions, RECENT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    revision_list = list(page.object_list)
    versions = Version.objects.filter(revision__in=revision_list).defer("serialized_data").order_by("pk")
    grouped: dict[int, list[Version]] = {}
    for version in versions:
        grouped.setdefault(version.revision_id, []).append(version)
    for revision in revision_list:
        revision._prefetched_versions = grouped.get(revision.pk, [])
    events = history.events_for_revisions(revision_list)
    rows = []
    for revision in revision_list:
        records = []
        for version in revision._prefetched_versions:
            model = by_id.get(version.content_type_id)
            if model is None or history.is_part(model):
                continue
            records.append(
                {
                    "type": capfirst(model._meta.verbose_name),
                    "name": version.object_repr,
                    "url": history_url(model, version.object_id),
                }
            )
        if not records:  # only rows of a record changed: name the rows' type
            for version in revision._prefetched_versions[:1]:
                model = by_id.get(version.content_type_id)
                if model is not None:
                    records.append({"type": capfirst(model._meta.verbose_name), "name": version.object_repr, "url": ""})
        first_model = next((by_id.get(v.content_type_id) for v in revision._prefetched_versions), None)
        rows.append(
            {
                "revision": revision,
                "records": records[:5],
                "more": max(0, len(records) - 5),
                "comment": history.comment_html(revision.comment, first_model, events.get(revision.pk)),
            }
        )
    users = get_user_model().objects.filter(revision__isnull=False).distinct().order_by("username")
    models_choice = sorted(
        (
            (ct.pk, str(capfirst(model._meta.verbose_name)))
            for model, ct in visible.items()
            if not history.is_part(model)
        ),
        key=lambda item: item[1],
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = _context(
        request,
        _("Recent changes"),
        rows=rows,
        page_obj=page,
        paginator=paginator,
        users=users,
        models_choice=models_choice,
        selected={
            "user": user_id,
            "model": model_id,
            "since": request.GET.get("since", ""),
            "until": request.GET.get("until", ""),
        },
        query=query.urlencode(),
    )
    return render(request, "editorial/history/recent_changes.html", context)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def history_links_install() -> None:
    """The admin's "History" link of every versioned model opens ``object_history``."""
    for model, model_admin in admin.site._registry.items():
        if model in history.registered_models():

            def history_view(request, object_id, extra_context=None, _model=model):
                opts = _model._meta
                return object_history(request, opts.app_label, opts.model_name, object_id)

            model_admin.history_view = history_view
