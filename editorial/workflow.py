"""Who may move a record through the publication workflow (draft → in review → published).

Roles are groups (created by editorial migration 0002):
- **Editors** write drafts and submit them for review (draft → in review), or take their submission back
  (in review → draft);
- **Reviewers** hold ``editorial.publish_content``: they publish, unpublish and send a submission back to its
  author with a comment; an editor who is not also a reviewer can never publish, not even their own work;
- **Viewers** read.

The rule is checked in ``mot_portal.publishing.status_change``, which every entry point goes through (the edit
form's buttons, the list actions, the API, imports). Where no user acts (a loader, a task, a management command)
the change is the system's and is not checked.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _

from mot_portal.publishing import TRANSITIONS, Status

PUBLISH_PERMISSION = "editorial.publish_content"

EDITORS = "Editors"
REVIEWERS = "Reviewers"
VIEWERS = "Viewers"

# The request being served (set by ``ActorMiddleware``): its user, read when a transition happens, is the actor.
# Read lazily because the API authenticates (token, session) inside the view, after the middleware.
_request: contextvars.ContextVar = contextvars.ContextVar("editorial_request", default=None)

# What each transition is called on buttons, actions and in the history.
TRANSITION_LABELS = {
    (Status.DRAFT, Status.IN_REVIEW): _("Submit for review"),
    (Status.IN_REVIEW, Status.DRAFT): _("Send back to the author"),
    (Status.IN_REVIEW, Status.PUBLISHED): _("Publish"),
    (Status.DRAFT, Status.PUBLISHED): _("Publish"),
    (Status.PUBLISHED, Status.DRAFT): _("Unpublish"),
    (Status.PUBLISHED, Status.IN_REVIEW): _("Unpublish and send for review"),
}


def transition_label(from_status: str, to_status: str) -> str:
    return str(TRANSITION_LABELS.get((from_status, to_status), f"{from_status} → {to_status}"))


def current_user():
    """Who acts: the user of the request being served (anonymous included: they may make no transition), or
    ``None`` where no request is served (a loader, a task, a command: the system)."""
    request = _request.get()
    if request is None:
        return None
    from django.contrib.auth.models import AnonymousUser

    return getattr(request, "user", None) or AnonymousUser()


@contextmanager
def acting(request):
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


class ActorMiddleware:
    """Makes the request's user the actor of the publication transitions made while serving it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(request):
            return self.get_response(request)


def is_reviewer(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def transition_allowed(user, from_status: str, to_status: str, obj=None) -> bool:
    """Whether ``user`` may move ``obj`` from ``from_status`` to ``to_status`` (``user=None``: the system)."""
    if to_status not in TRANSITIONS.get(from_status, ()):
        return False
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if is_reviewer(user):
        return True
    # An editor: submit; take their own submission back to draft. Never publish, unpublish, or send back someone
    # else's submission.
    if (from_status, to_status) == (Status.DRAFT, Status.IN_REVIEW):
        return True
    if (from_status, to_status) == (Status.IN_REVIEW, Status.DRAFT):
        return obj is not None and submitted_by(obj) == user
    return False


def submitted_by(obj):
    """Who submitted ``obj`` for its current review (the latest "submit" step), or ``None``."""
    from django.contrib.contenttypes.models import ContentType

    from editorial.models import WorkflowEvent

    step = (
        WorkflowEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=str(obj.pk),
            to_status=Status.IN_REVIEW,
        )
        .order_by("-pk")
        .first()
    )
    return step.user if step else None


def transitions_for(user, obj) -> list[tuple[str, str]]:
    """The transitions ``user`` may make on ``obj`` now, as (target status, label), in the workflow's order."""
    if user is None or not user.has_perm(f"{obj._meta.app_label}.change_{obj._meta.model_name}"):
        return []
    allowed = {value for value, _label in obj._meta.get_field("status").choices}
    order = [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED]
    current = obj.status
    return [
        (target, transition_label(current, target))
        for target in order
        if target in allowed and target != current and transition_allowed(user, current, target, obj)
    ]
