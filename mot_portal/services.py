"""The common part of the apps' create and update services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model

from mot_portal.publishing import PUBLICATION_FIELDS, is_publishable

M = TypeVar("M", bound=Model)


@transaction.atomic
def instance_save(*, instance: M, fields: Mapping[str, Any], relations: Mapping[str, Iterable | None] = ()) -> M:
    """Set ``fields`` on ``instance``, validate it (``full_clean``: field validators, constraints, uniqueness),
    save it, then replace the many-to-many ``relations`` given (``None`` leaves one unchanged). Atomic: a
    validation error writes nothing. Naming a field the model does not have is a programming error."""
    opts = instance._meta
    known = {f.name for f in opts.concrete_fields} | {f.attname for f in opts.concrete_fields}
    many_to_many = {f.name for f in opts.many_to_many}
    unknown = sorted({*fields} - known) + sorted({*dict(relations)} - many_to_many)
    if unknown:
        raise ValueError(f"{opts.label} has no field {', '.join(unknown)}")
    if is_publishable(type(instance)) and set(fields) & set(PUBLICATION_FIELDS):
        raise ValueError(f"A {opts.verbose_name}'s publication changes through status_change (mot_portal.publishing).")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    for name, values in dict(relations).items():
        if values is not None:
            getattr(instance, name).set(values)
    return instance
